from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hasher, make_password


def test_new_passwords_use_argon2id_with_the_owasp_parameters(settings):
    settings.PASSWORD_HASHERS = ["zhengxie.core.passwords.Argon2Hasher"]
    encoded = make_password("Secret-pass-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("Secret-pass-2026", encoded)


def test_hashes_made_with_djangos_argon2_parameters_still_verify_and_are_renewed(settings):
    settings.PASSWORD_HASHERS = ["zhengxie.core.passwords.Argon2Hasher"]
    old = Argon2PasswordHasher().encode("Secret-pass-2026", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    assert check_password("Secret-pass-2026", old)
    assert get_hasher("argon2").must_update(old)
