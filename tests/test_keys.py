"""API key format, hashing and constant-time comparison."""

from __future__ import annotations

from openani.keys import generate_key, hash_secret, secret_matches, split_key


def test_generated_keys_are_unique_and_carry_256_bits() -> None:
    keys = {generate_key().plaintext for _ in range(200)}
    assert len(keys) == 200
    key = generate_key()
    parts = split_key(key.plaintext)
    assert parts is not None
    key_id, secret = parts
    assert key_id == key.key_id
    assert len(secret) >= 43  # 32 random bytes in URL-safe base64
    assert key.secret_hash == hash_secret(secret)
    assert key.secret_hash not in key.plaintext


def test_split_refuses_foreign_text() -> None:
    for text in [
        "",
        "oak",
        "oak_",
        "oak_abc_def",
        "xyz_0123456789abcdef_secret",
        "oak_0123456789abcdef_",
    ]:
        assert split_key(text) is None


def test_secret_matches_only_its_hash() -> None:
    key = generate_key()
    parts = split_key(key.plaintext)
    assert parts is not None
    assert secret_matches(parts[1], key.secret_hash)
    assert not secret_matches(parts[1] + "x", key.secret_hash)
