"""Each credential format of pii_corpus_secrets with the provider a detector should name and
the contexts it is typically written in (env files, headers, URLs, JSON, prose). The planted
span is the credential alone, never its surroundings."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from pii_corpus_secrets import (
    anthropic_key,
    aws_access_key_id,
    aws_secret_access_key,
    azure_client_secret,
    azure_storage_key,
    gcp_api_key,
    gcp_oauth_client_secret,
    github_classic,
    github_fine_grained,
    gitlab_token,
    huggingface_token,
    jwt,
    npm_token,
    openai_key,
    private_key,
    slack_token,
    slack_webhook,
    stripe_key,
)


@dataclass(frozen=True)
class SecretShape:
    label: str  # the corpus's own name for the format
    provider: str  # the provider the contract's SecretMatch.provider should name
    make: Callable[[random.Random], str]
    contexts: tuple[str, ...]  # "{}" marks where the credential goes


_GENERIC = (
    'token = "{}"',
    "Authorization: Bearer {}",
    "the key {} was rotated yesterday",
    '{"api_key": "{}"}',
)

SECRET_SHAPES: tuple[SecretShape, ...] = (
    SecretShape("openai", "openai", openai_key, ("OPENAI_API_KEY={}", *_GENERIC)),
    SecretShape(
        "anthropic",
        "anthropic",
        anthropic_key,
        ("ANTHROPIC_API_KEY={}", "x-api-key: {}", *_GENERIC),
    ),
    SecretShape("huggingface", "huggingface", huggingface_token, ("HF_TOKEN={}", *_GENERIC)),
    SecretShape(
        "aws-access-key-id",
        "aws",
        aws_access_key_id,
        ("aws_access_key_id = {}", "AWS_ACCESS_KEY_ID={}", "key id {} in the log"),
    ),
    SecretShape(
        "aws-secret-access-key",
        "aws",
        aws_secret_access_key,
        ("aws_secret_access_key = {}", 'AWS_SECRET_ACCESS_KEY="{}"'),
    ),
    SecretShape(
        "gcp-api-key",
        "gcp",
        gcp_api_key,
        (
            "GOOGLE_API_KEY={}",
            "https://maps.googleapis.com/maps/api/geocode/json?key={}&address=x",
            *_GENERIC,
        ),
    ),
    SecretShape(
        "gcp-oauth-client-secret",
        "gcp",
        gcp_oauth_client_secret,
        ('"client_secret": "{}"', "client secret {}"),
    ),
    SecretShape(
        "azure-storage-key",
        "azure",
        azure_storage_key,
        (
            "DefaultEndpointsProtocol=https;AccountName=stbench;AccountKey={};EndpointSuffix=core.windows.net",
        ),
    ),
    SecretShape(
        "azure-client-secret",
        "azure",
        azure_client_secret,
        ("AZURE_CLIENT_SECRET={}", 'client_secret: "{}"'),
    ),
    SecretShape(
        "github-classic",
        "github",
        github_classic,
        ("GITHUB_TOKEN={}", "git clone https://{}@github.com/org/repo.git", *_GENERIC),
    ),
    SecretShape("github-fine-grained", "github", github_fine_grained, ("GH_TOKEN={}", *_GENERIC)),
    SecretShape("npm", "npm", npm_token, ("//registry.npmjs.org/:_authToken={}", "NPM_TOKEN={}")),
    SecretShape(
        "gitlab", "gitlab", gitlab_token, ("GITLAB_TOKEN={}", "PRIVATE-TOKEN: {}", *_GENERIC)
    ),
    SecretShape("stripe", "stripe", stripe_key, ("STRIPE_SECRET_KEY={}", *_GENERIC)),
    SecretShape("slack-token", "slack", slack_token, ("SLACK_BOT_TOKEN={}", *_GENERIC)),
    SecretShape(
        "slack-webhook", "slack", slack_webhook, ("webhook_url: {}", "curl -X POST -d @msg.json {}")
    ),
    SecretShape(
        "jwt",
        "jwt",
        jwt,
        ("Authorization: Bearer {}", "session={}; Path=/; HttpOnly", '{"id_token": "{}"}'),
    ),
    SecretShape("private-key", "private-key", private_key, ("{}", '"""\n{}\n"""')),
)
