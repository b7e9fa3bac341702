#!/usr/bin/env bash
# `make dev-reset`: on purpose, forgets everything `make dev` stored — the Kafka log under
# var/dev/kafka and the read models built from it (the `clustergenie` database, its
# `clustergenie_v<N>` read-model versions and the `cg:v1:` Redis keys) — together, because a read model without its log (or the other
# way round) is wrong. Stops `make dev` first. Never touches an external KAFKA_BROKERS.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$CG_ROOT"
bash scripts/down.sh
bash scripts/services.sh up
say "wiping the dev event log (var/dev/kafka)"
bash scripts/kafka.sh wipe "$CG_VAR/dev/kafka"
say "dropping the read models (database clustergenie, Redis keys cg:v1:*)"
mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -e 'DROP DATABASE IF EXISTS `clustergenie`'
# Read-model versions built by `clustergenie replay` (schemas clustergenie_v<N>) go with them.
mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -N -e \
  "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'clustergenie\\_v%'" |
  while read -r schema; do
    mysql -h127.0.0.1 -u"$CG_DB_USER" -p"$CG_DB_PASSWORD" -e "DROP DATABASE IF EXISTS \`$schema\`"
  done
redis-cli -h 127.0.0.1 --scan --pattern 'cg:v1:*' | xargs -r redis-cli -h 127.0.0.1 del >/dev/null
say "done: the next 'make dev' starts from an empty log"
