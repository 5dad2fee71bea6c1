import pytest

from tests.webhooks import receiver as receiver_module


@pytest.fixture
def receiver(settings):
    """A receiver on 127.0.0.1 over plain HTTP: allowed only through the setting (off by default,
    refused in production)."""
    settings.WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER = True
    receiver, server = receiver_module.start()
    yield receiver
    server.shutdown()
    server.server_close()
