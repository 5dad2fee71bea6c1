import pytest


@pytest.fixture(autouse=True)
def _forget_the_shared_first_step():
    # Each process keeps the form's shared first step per content generation; with the cache
    # down that generation is always 0, so a copy could outlive the test that rendered it.
    from intake import views

    views._first_steps.clear()
    yield
    views._first_steps.clear()
