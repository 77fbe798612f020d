"""OAuth2 client-credentials tokens from the Bus issuer (or any OAuth2 authorization server), with Python's standard
library only: what a Python service or device presents as its password to a secured RabbitMQ node
(docs/security.md, docs/interop.md).

    BUS_ISSUER=http://127.0.0.1:9000 CLIENT_ID=invoicing CLIENT_SECRET=invoicing-secret

A token is a password: never print or log it.
"""
import base64
import json
import os
import urllib.parse
import urllib.request


def configured():
    """Whether the environment names an issuer to take tokens from."""
    return bool(os.environ.get("BUS_ISSUER"))


def client_id():
    return os.environ["CLIENT_ID"]


def fetch(scopes):
    """A new access token for CLIENT_ID with these scopes (a list); raises with the HTTP status when refused."""
    credentials = base64.b64encode(f"{client_id()}:{os.environ['CLIENT_SECRET']}".encode()).decode()
    request = urllib.request.Request(
        os.environ["BUS_ISSUER"].rstrip("/") + "/oauth2/token",
        data=urllib.parse.urlencode({"grant_type": "client_credentials", "scope": " ".join(scopes)}).encode(),
        headers={"Authorization": f"Basic {credentials}", "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)["access_token"]
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"the issuer refused a token to {client_id()}: HTTP {error.code}") from None
