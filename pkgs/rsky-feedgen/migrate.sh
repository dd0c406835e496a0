# rsky-feedgen-migrate MIGRATIONS_DIR
#
# Applies rsky-feedgen's diesel migrations (MIGRATIONS_DIR/<version>_<name>/
# up.sql) that the database at $DATABASE_URL has not seen, oldest first,
# and records each in diesel's own table, __diesel_schema_migrations, under
# diesel's version (the directory name up to the first `_`, without `-`), so
# that diesel's CLI agrees about what has run.
#
# Not `diesel migration run`: some of upstream's migrations start with
# `-- !no-transaction` and hold several CREATE INDEX CONCURRENTLY
# statements, which PostgreSQL refuses inside a transaction and which diesel
# sends as one batch. psql sends them one by one, outside a transaction;
# every other migration runs in one transaction together with its record.

if [[ $# -ne 1 || ! -d $1 ]]; then
  echo "usage: rsky-feedgen-migrate MIGRATIONS_DIR (with DATABASE_URL set)" >&2
  exit 2
fi
if [[ -z ${DATABASE_URL:-} ]]; then
  echo "rsky-feedgen-migrate: DATABASE_URL is not set" >&2
  exit 2
fi
dir=$1

# Results (one migration is `SELECT 1;`) and notices are not news; errors
# still reach stderr and stop everything.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
sql() {
  psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname "$DATABASE_URL" "$@"
}

sql --command 'CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
  version VARCHAR(50) PRIMARY KEY NOT NULL,
  run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)'
applied=$(sql --tuples-only --no-align --command 'SELECT version FROM __diesel_schema_migrations')

# "<version> <directory>" lines, oldest first; diesel orders by version.
pending=()
for migration in "$dir"/*/; do
  migration=${migration%/}
  [[ -f $migration/up.sql ]] || continue
  name=${migration##*/}
  version=${name%%_*}
  version=${version//-/}
  if [[ ! $version =~ ^[0-9]+$ ]]; then
    echo "rsky-feedgen-migrate: $migration: cannot read a version from the directory name" >&2
    exit 1
  fi
  grep --quiet --line-regexp --fixed-strings -- "$version" <<<"$applied" && continue
  pending+=("$version $migration")
done

count=0
while read -r version migration; do
  [[ -n $version ]] || continue
  record="INSERT INTO __diesel_schema_migrations (version) VALUES ('$version')"
  if [[ $(head --lines=1 "$migration/up.sql") == "-- !no-transaction"* ]]; then
    sql --output /dev/null --file "$migration/up.sql"
    sql --command "$record"
  else
    sql --output /dev/null --single-transaction --file "$migration/up.sql" --command "$record"
  fi
  echo "rsky-feedgen-migrate: applied ${migration##*/}"
  count=$((count + 1))
done < <(printf '%s\n' "${pending[@]}" | sort)

echo "rsky-feedgen-migrate: $count migrations applied, $(grep --count . <<<"$applied") already there"
