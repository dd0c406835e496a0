"""A stand-in for a PLC directory, for VM tests without network.

Keeps the operations POSTed to /<did> in memory and answers what a PDS asks
of plc.directory: the DID document (/<did>), its data (/<did>/data) and the
last operation (/<did>/log/last). Signatures are not checked; every accepted
operation is logged as `accepted <did>`, so a test can see that one arrived.

usage: fake-plc.py PORT
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

OPERATIONS: dict[str, dict] = {}
LOCK = threading.Lock()


def document(did: str, op: dict) -> dict:
    """The DID document of `did` after operation `op` (plc_operation form)."""
    return {
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
        ],
        "id": did,
        "alsoKnownAs": op.get("alsoKnownAs", []),
        "verificationMethod": [
            {
                "id": f"{did}#{name}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.removeprefix("did:key:"),
            }
            for name, key in sorted(op.get("verificationMethods", {}).items())
        ],
        "service": [
            {
                "id": f"#{name}",
                "type": service["type"],
                "serviceEndpoint": service["endpoint"],
            }
            for name, service in sorted(op.get("services", {}).items())
        ],
    }


def data(did: str, op: dict) -> dict:
    return {
        "did": did,
        "rotationKeys": op.get("rotationKeys", []),
        "verificationMethods": op.get("verificationMethods", {}),
        "alsoKnownAs": op.get("alsoKnownAs", []),
        "services": op.get("services", {}),
    }


class Handler(BaseHTTPRequestHandler):
    def reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def parts(self) -> list[str]:
        return [unquote(p) for p in self.path.split("?")[0].strip("/").split("/")]

    def do_GET(self) -> None:
        parts = self.parts()
        if parts == ["_health"]:
            return self.reply(200, {"version": "fake-plc"})
        with LOCK:
            op = OPERATIONS.get(parts[0])
        if op is None:
            return self.reply(404, {"message": f"DID not registered: {parts[0]}"})
        if len(parts) == 1:
            return self.reply(200, document(parts[0], op))
        if parts[1:] == ["data"]:
            return self.reply(200, data(parts[0], op))
        if parts[1:] == ["log", "last"]:
            return self.reply(200, op)
        self.reply(404, {"message": "not found"})

    def do_POST(self) -> None:
        parts = self.parts()
        if len(parts) != 1 or not parts[0].startswith("did:plc:"):
            return self.reply(400, {"message": f"not a DID: {self.path}"})
        length = int(self.headers.get("Content-Length", "0"))
        try:
            op = json.loads(self.rfile.read(length))
        except json.JSONDecodeError as error:
            return self.reply(400, {"message": f"operation is not JSON: {error}"})
        if op.get("type") != "plc_operation":
            return self.reply(400, {"message": f"unsupported operation type {op.get('type')!r}"})
        with LOCK:
            OPERATIONS[parts[0]] = op
        print(f"accepted {parts[0]}", flush=True)
        self.reply(200, {})


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"fake plc: listening on port {sys.argv[1]}", flush=True)
    server.serve_forever()
