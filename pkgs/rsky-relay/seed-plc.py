"""seed-plc.py CRAWLER_DIR EXPORT_URL (installed as `rsky-relay-seed-plc EXPORT_URL`)

rsky-relay keeps the PLC directory in plc_directory.db, in its working
directory, with the schema of upstream's crawler.py (rsky-relay/crawler.py,
in CRAWLER_DIR), and does not start while that database holds no operation:
it resumes the PLC export after the newest one. This creates the database
in the working directory with crawler.py's own create_database() and, while
it holds no operation, stores the first page of EXPORT_URL (a PLC
directory's /export) with crawler.py's insert_operations(). A database that
holds operations is left alone.
"""

import json
import os
import sqlite3
import sys
import urllib.request

DB_FILE = "plc_directory.db"


def has_operations(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT 1 FROM plc_operations LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no such table
        return False


def first_page(export_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{export_url}?count=1000", timeout=60) as response:
        text = response.read().decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def main(crawler_dir: str, export_url: str) -> None:
    if os.path.exists(DB_FILE):
        conn = sqlite3.connect(f"file:{DB_FILE}?mode=ro", uri=True)
        seeded = has_operations(conn)
        conn.close()
        if seeded:
            return

    sys.path.insert(0, crawler_dir)
    import crawler  # noqa: E402 (upstream's module, found through CRAWLER_DIR)

    conn = crawler.create_database()
    if not has_operations(conn):
        operations = first_page(export_url)
        if not operations:
            sys.exit(f"rsky-relay-seed-plc: {export_url} returned no PLC operations")
        crawler.insert_operations(conn, operations)
        print(f"rsky-relay-seed-plc: stored {len(operations)} PLC operations from {export_url}")
    conn.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
