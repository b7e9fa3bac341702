-- Read-only MySQL account for query-api (architecture: query-api only reads read models).
-- The password placeholder is replaced from MYSQL_READER_PASSWORD by 01-query-reader.sh.
CREATE USER IF NOT EXISTS 'cg_reader'@'%' IDENTIFIED BY '__READER_PASSWORD__';
GRANT SELECT ON `clustergenie`.* TO 'cg_reader'@'%';
FLUSH PRIVILEGES;
