#!/bin/bash
# MySQL init hook: runs 01-query-reader.sql with the reader password taken from the environment.
set -euo pipefail
: "${MYSQL_READER_PASSWORD:?MYSQL_READER_PASSWORD must be set}"
sed "s/__READER_PASSWORD__/${MYSQL_READER_PASSWORD//\//\\/}/" /etc/clustergenie/01-query-reader.sql | docker_process_sql
