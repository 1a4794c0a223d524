"""The exception classes and how statuses map onto them."""

import pytest

import clickref
from clickref.errors import check


@pytest.mark.parametrize("status, cls", [
    (clickref.Status.E_INVALID_ARGUMENT, clickref.Error),
    (clickref.Status.E_NOT_FOUND, clickref.Error),
    (clickref.Status.E_SIG_MISSING_HEADER, clickref.SignatureVerificationError),
    (clickref.Status.E_EMPTY_PAYLOAD, clickref.SignatureVerificationError),
    (clickref.Status.E_JSON, clickref.EventError),
    (clickref.Status.E_BAD_FIELD, clickref.EventError),
    (clickref.Status.E_INVALID_CLICK_ID, clickref.ClickIdError),
    (clickref.Status.E_BAD_ENCODING, clickref.ClickIdError),
    (clickref.Status.E_INVALID_URL, clickref.Error),
])
def test_each_status_raises_its_class(status, cls):
    with pytest.raises(cls) as raised:
        check(status)
    assert type(raised.value) is cls
    assert raised.value.code == status
    assert raised.value.status == f"CLICKREF_{status.name}"
    assert raised.value.offset == 0


def test_ok_does_not_raise():
    assert check(clickref.Status.OK) is None


def test_every_error_class_is_an_error():
    for cls in (clickref.SignatureVerificationError, clickref.EventError, clickref.ClickIdError):
        assert issubclass(cls, clickref.Error) and issubclass(cls, Exception)


def test_message_and_repr():
    error = clickref.Error(clickref.Status.E_NO_MEMORY)
    assert str(error) == "Memory allocation failed."
    assert repr(error) == "Error(CLICKREF_E_NO_MEMORY, offset=0)"
    assert clickref.Error(12345).status == "CLICKREF_E_UNKNOWN"
