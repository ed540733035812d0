"""Settings precedence and secrets in the OS keyring (a real keyring backend)."""

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy.engine import make_url

from helpdesk_tui.config import (
    KEYRING_SERVICE,
    ConfigError,
    SecretStoreUnavailable,
    delete_secret,
    get_secret,
    load_settings,
    set_secret,
    with_database_password,
)


def test_embedded_sqlite_under_the_data_dir_by_default(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("HELPDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HELPDESK_CONFIG", str(tmp_path / "none.toml"))
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'helpdesk.sqlite3'}"
    assert settings.is_embedded


def test_flag_beats_environment_beats_file(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "helpdesk.toml"
    config.write_text(
        'database_url = "postgresql+psycopg://desk@db.example/file"\n', encoding="utf-8"
    )
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    assert load_settings().database_url.endswith("/file")
    monkeypatch.setenv("HELPDESK_DATABASE_URL", "postgresql+psycopg://desk@db.example/env")
    assert load_settings().database_url.endswith("/env")
    assert load_settings(database_url="sqlite:///x.sqlite3").database_url == "sqlite:///x.sqlite3"


def test_a_broken_config_file_is_named(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "helpdesk.toml"
    config.write_text("database_url = [unclosed", encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(config))
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


def test_the_database_password_lives_in_the_keyring(memory_keyring) -> None:  # type: ignore[no-untyped-def]
    password = "s3cret p@ss:/word"
    set_secret("database", password)
    assert memory_keyring.secrets[(KEYRING_SERVICE, "database")] == password
    assert keyring.get_password(KEYRING_SERVICE, "database") == password
    url = make_url(with_database_password("postgresql+psycopg://desk@db.example:5432/helpdesk"))
    assert (url.username, url.password, url.host, url.database) == (
        "desk",
        password,
        "db.example",
        "helpdesk",
    )
    # A password already in the URL wins; SQLite never gets one.
    assert (
        with_database_password("postgresql+psycopg://desk:other@db/h")
        == "postgresql+psycopg://desk:other@db/h"
    )
    assert with_database_password("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    assert delete_secret("database") is True
    assert get_secret("database") is None and delete_secret("database") is False


def test_no_keyring_backend_gives_instructions_not_a_plaintext_file() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SecretStoreUnavailable, match="No OS keyring") as caught:
            set_secret("database", "pw")
        assert "HELPDESK_DATABASE_URL" in str(caught.value)
        assert get_secret("database") is None
    finally:
        keyring.set_keyring(previous)


def test_unknown_secret_names_are_refused(memory_keyring) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="database, smtp"):
        set_secret("imap2", "pw")
