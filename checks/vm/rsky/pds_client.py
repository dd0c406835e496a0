# Helpers for the rsky VM tests that talk to rsky-pds on the test machine
# (prepended to their test scripts; `machine` is the node).
import json
import shlex

PDS = "http://127.0.0.1:2583"


def xrpc(method, body=None, token=None, auth=None, expect=200):
    """Call PDS's XRPC `method` with curl on the machine; return the JSON
    answer, after checking the HTTP status is `expect`."""
    args = ["curl", "--silent", "--output", "/tmp/xrpc.out", "--write-out", "%{http_code}"]
    if token is not None:
        args += ["-H", f"Authorization: Bearer {token}"]
    if auth is not None:
        args += ["--user", auth]
    if body is not None:
        args += ["-H", "Content-Type: application/json", "--data", json.dumps(body)]
    args.append(f"{PDS}/xrpc/{method}")
    status = machine.succeed(shlex.join(args)).strip()
    out = machine.succeed("cat /tmp/xrpc.out")
    assert status == str(expect), f"{method}: HTTP {status}, expected {expect}: {out}"
    return json.loads(out) if out.strip() else None


def create_account(handle, email, password):
    """An account on the PDS (a did:plc registered with the stand-in PLC)."""
    return xrpc("com.atproto.server.createAccount", {"handle": handle, "email": email, "password": password})


def post(session, text):
    """A post in the account's repository; returns its at:// URI."""
    created = xrpc(
        "com.atproto.repo.createRecord",
        {
            "repo": session["did"],
            "collection": "app.bsky.feed.post",
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2025-01-09T18:48:12.000Z"},
        },
        token=session["accessJwt"],
    )
    return created["uri"]
