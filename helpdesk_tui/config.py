"""Settings (a TOML file, then HELPDESK_* environment variables, then flags) and
secrets kept in the OS keyring.

Secrets never fall back silently to a plaintext file: when no keyring backend is
usable, ``SecretStoreUnavailable`` says what to do instead.
"""

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir
from sqlalchemy.engine import make_url

APP_NAME = "helpdesk_tui"
KEYRING_SERVICE = "helpdesk_tui"
SECRET_NAMES = ("database", "smtp", "imap")


@dataclass(frozen=True)
class SmtpSettings:
    """The mail relay. STARTTLS is always used; ``ca_file`` trusts a private CA."""

    host: str
    port: int = 587
    username: str | None = None
    sender: str = "helpdesk@localhost"
    ca_file: str | None = None
    timeout: float = 20.0


@dataclass(frozen=True)
class ImapSettings:
    """The support mailbox. ``security`` is "starttls" (default), "ssl", or "none"
    (loopback test servers only)."""

    host: str
    port: int = 143
    username: str = ""
    folder: str = "INBOX"
    security: str = "starttls"
    ca_file: str | None = None
    timeout: float = 20.0


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    config_file: Path
    smtp: SmtpSettings | None = None
    imap: ImapSettings | None = None

    @property
    def demo_mail_dir(self) -> Path:
        """Where demo mode writes outgoing mail as .eml files instead of sending it."""
        return self.data_dir / "demo-mail"

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite")


def default_data_dir() -> Path:
    return Path(os.environ.get("HELPDESK_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    explicit = os.environ.get("HELPDESK_CONFIG")
    return (
        Path(explicit)
        if explicit
        else Path(user_config_dir(APP_NAME, appauthor=False)) / "helpdesk.toml"
    )


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_settings(*, database_url: str | None = None) -> Settings:
    """Flags beat the environment, which beats the file, which beats the defaults."""
    config_file = default_config_file()
    file_values: dict[str, object] = {}
    if config_file.is_file():
        try:
            file_values = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"{config_file} is not valid TOML ({exc}); fix or remove it."
            ) from exc
    data_dir = default_data_dir()
    url = (
        database_url
        or os.environ.get("HELPDESK_DATABASE_URL")
        or str(file_values.get("database_url") or "")
        or sqlite_url(data_dir / "helpdesk.sqlite3")
    )
    return Settings(
        database_url=url,
        data_dir=data_dir,
        config_file=config_file,
        smtp=_smtp_settings(file_values.get("smtp")),
        imap=_imap_settings(file_values.get("imap")),
    )


def _imap_settings(table: object) -> ImapSettings | None:
    values = dict(table) if isinstance(table, dict) else {}
    for key in ("host", "port", "username", "folder", "security", "ca_file"):
        env = os.environ.get(f"HELPDESK_IMAP_{key.upper()}")
        if env:
            values[key] = env
    if not values.get("host"):
        return None
    security = str(values.get("security") or "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise ConfigError(f"IMAP security must be starttls, ssl or none (got {security!r}).")
    try:
        port = int(values.get("port") or (993 if security == "ssl" else 143))
    except ValueError as exc:
        raise ConfigError(f"IMAP port {values.get('port')!r} is not a number.") from exc
    return ImapSettings(
        host=str(values["host"]),
        port=port,
        username=str(values.get("username") or ""),
        folder=str(values.get("folder") or "INBOX"),
        security=security,
        ca_file=str(values["ca_file"]) if values.get("ca_file") else None,
    )


def _smtp_settings(table: object) -> SmtpSettings | None:
    values = dict(table) if isinstance(table, dict) else {}
    for key in ("host", "port", "username", "sender", "ca_file"):
        env = os.environ.get(f"HELPDESK_SMTP_{key.upper()}")
        if env:
            values[key] = env
    if not values.get("host"):
        return None
    try:
        port = int(values.get("port", 587))
    except ValueError as exc:
        raise ConfigError(f"SMTP port {values.get('port')!r} is not a number.") from exc
    return SmtpSettings(
        host=str(values["host"]),
        port=port,
        username=str(values["username"]) if values.get("username") else None,
        sender=str(values.get("sender") or "helpdesk@localhost"),
        ca_file=str(values["ca_file"]) if values.get("ca_file") else None,
    )


def demo_settings(settings: Settings) -> Settings:
    return replace(settings, database_url=sqlite_url(settings.data_dir / "demo.sqlite3"))


class ConfigError(Exception):
    """Configuration that cannot be used; the message says how to fix it."""


class SecretStoreUnavailable(ConfigError):
    pass


def _keyring_usable() -> bool:
    # Imported when needed: finding keyring backends costs start-up time.
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def _require_keyring() -> None:
    if not _keyring_usable():
        raise SecretStoreUnavailable(
            "No OS keyring is available on this machine, so the password cannot be kept "
            "safely. Install and unlock one (for example gnome-keyring or KWallet on "
            "Linux; macOS and Windows have one built in), or choose a backend with "
            "PYTHON_KEYRING_BACKEND. Until then, put the password in the database URL "
            "(HELPDESK_DATABASE_URL) or in a PostgreSQL ~/.pgpass file."
        )


def set_secret(name: str, value: str) -> None:
    if name not in SECRET_NAMES:
        raise ConfigError(f"Unknown secret {name!r}; choose one of: {', '.join(SECRET_NAMES)}.")
    _require_keyring()
    import keyring
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise SecretStoreUnavailable(f"The keyring refused to store the secret: {exc}") from exc


def get_secret(name: str) -> str | None:
    """The stored secret, or None when there is none or no keyring to hold one."""
    if not _keyring_usable():
        return None
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringError:
        return None


def require_secret(name: str) -> str:
    """The stored secret, or an error that says exactly how to provide it."""
    _require_keyring()
    import keyring
    import keyring.errors

    try:
        value = keyring.get_password(KEYRING_SERVICE, name)
    except keyring.errors.KeyringLocked as exc:
        raise SecretStoreUnavailable(
            f"The OS keyring is locked, so the {name} password cannot be read. Unlock it "
            "(sign in to the desktop session, or unlock the keyring in your password "
            "manager) and try again."
        ) from exc
    except keyring.errors.KeyringError as exc:
        raise SecretStoreUnavailable(
            f"The OS keyring could not give the {name} password: {exc}"
        ) from exc
    if not value:
        raise ConfigError(f"No {name} password is stored. Run `helpdesk secrets set {name}`.")
    return value


def delete_secret(name: str) -> bool:
    _require_keyring()
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(KEYRING_SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def with_database_password(url: str) -> str:
    """A PostgreSQL URL without a password gets the one kept in the keyring, if any."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or parsed.password:
        return url
    password = get_secret("database")
    if not password:
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)
