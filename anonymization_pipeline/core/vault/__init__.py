"""The re-identification vault: tokens back to originals, for authorised use, always audited."""

from anonymization_pipeline.core.vault.vault import (
    DEFAULT_VAULT_KEY,
    DEFAULT_VAULT_URL,
    VAULT_URL_VARIABLE,
    AuditRecord,
    Vault,
    vault_url_from_environment,
)

__all__ = [
    "DEFAULT_VAULT_KEY",
    "DEFAULT_VAULT_URL",
    "VAULT_URL_VARIABLE",
    "AuditRecord",
    "Vault",
    "vault_url_from_environment",
]
