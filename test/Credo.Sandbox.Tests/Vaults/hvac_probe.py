"""Drives the sandbox's Vault KV v2 endpoint with hvac, a client no one here wrote, and prints what it saw as JSON.

Usage: python3 hvac_probe.py ADDRESS ROOT_TOKEN ROLE_ID SECRET_ID
Exits 3 when hvac is not installed (Debian: apt-get install python3-hvac).
"""
import json
import sys

try:
    import hvac
    import hvac.exceptions
except ImportError:
    print("hvac is not installed: apt-get install python3-hvac", file=sys.stderr)
    sys.exit(3)

address, root_token, role_id, secret_id = sys.argv[1:5]
seen = {}


def error_of(call):
    try:
        call()
        return "no error"
    except hvac.exceptions.VaultError as e:
        return type(e).__name__


root = hvac.Client(url=address, token=root_token)
demo = root.secrets.kv.v2.read_secret_version(path="credo/sandbox-client", mount_point="secret")
seen["root_read"] = demo["data"]["data"]["client_secret"]
seen["root_read_version"] = demo["data"]["metadata"]["version"]

written = root.secrets.kv.v2.create_or_update_secret(path="hvac/probe", secret={"key": "second"}, mount_point="secret")
seen["written_version"] = written["data"]["version"]
seen["read_back"] = root.secrets.kv.v2.read_secret_version(path="hvac/probe", mount_point="secret")["data"]["data"]["key"]
seen["version_1"] = root.secrets.kv.v2.read_secret_version(path="hvac/probe", version=1, mount_point="secret")["data"]["data"]["key"]

app = hvac.Client(url=address, namespace="credo")
login = app.auth.approle.login(role_id=role_id, secret_id=secret_id)
seen["login_lease_duration"] = login["auth"]["lease_duration"]
seen["login_renewable"] = login["auth"]["renewable"]
seen["approle_read"] = app.secrets.kv.v2.read_secret_version(path="credo/sandbox-client", mount_point="secret")["data"]["data"]["client_secret"]
seen["renewed_lease_duration"] = app.auth.token.renew_self(increment="2h")["auth"]["lease_duration"]
seen["lookup_ttl"] = app.auth.token.lookup_self()["data"]["ttl"]
seen["is_authenticated"] = app.is_authenticated()

seen["wrong_token"] = error_of(lambda: hvac.Client(url=address, token="wrong").secrets.kv.v2.read_secret_version(path="credo/sandbox-client", mount_point="secret"))
seen["missing_path"] = error_of(lambda: root.secrets.kv.v2.read_secret_version(path="no/such/secret", mount_point="secret"))
seen["wrong_secret_id"] = error_of(lambda: hvac.Client(url=address).auth.approle.login(role_id=role_id, secret_id="wrong"))

print(json.dumps(seen))
