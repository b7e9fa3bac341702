#!/usr/bin/env bash
# Starts MariaDB and Redis when they are not already answering, creates the
# `clustergenie` database user, and records in var/started-services what it started,
# so that `make down` stops only those. Usage: services.sh up | down
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$CG_VAR"
started="$CG_VAR/started-services"

mariadb_up() { mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1 || mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

up() {
  if ! mariadb_up; then
    say "starting MariaDB"
    as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
    # A 2 GiB buffer pool (the server's default is 128 MiB): the read models of a 1M-record
    # log (droplet, operation, audit, usage rows and their keys) then stay in memory, where
    # the default made the projector's catch-up wait on disk reads 19-24 % of the time.
    # A 1 GiB redo log (the default is 96 MiB): the projector's catch-up writes enough redo
    # to fill 96 MiB every few seconds, and each wrap forces a checkpoint that flushes
    # dirty pages early; with 1 GiB its disk writes fell from ~250 to ~55 MB/s and
    # MariaDB's CPU per record by ~12 %. Capacity only: durability settings (flush at
    # every commit, doublewrite) stay the server's defaults.
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql \
      --innodb-buffer-pool-size="${CG_MARIADB_BUFFER_POOL:-2G}" \
      --innodb-log-file-size="${CG_MARIADB_REDO_LOG:-1G}"
    wait_for "MariaDB" 60 mariadb_up
    echo mariadb >>"$started"
  fi
  if ! redis_up; then
    say "starting Redis"
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null
    wait_for "Redis" 30 redis_up
    echo redis >>"$started"
  fi
  # A dedicated account: fresh Debian root logins use unix_socket auth, not TCP.
  as_root mysql -uroot <<SQL
CREATE USER IF NOT EXISTS '$CG_DB_USER'@'127.0.0.1' IDENTIFIED BY '$CG_DB_PASSWORD';
CREATE USER IF NOT EXISTS '$CG_DB_USER'@'localhost' IDENTIFIED BY '$CG_DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$CG_DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO '$CG_DB_USER'@'localhost';
CREATE DATABASE IF NOT EXISTS clustergenie CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
}

down() {
  [ -f "$started" ] || return 0
  if grep -qx redis "$started"; then say "stopping Redis"; redis-cli -h 127.0.0.1 shutdown nosave >/dev/null 2>&1 || true; fi
  if grep -qx mariadb "$started"; then say "stopping MariaDB"; mysqladmin --protocol=socket -uroot shutdown 2>/dev/null || true; fi
  rm -f "$started"
}

"${1:-up}"
