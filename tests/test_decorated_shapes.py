"""The mock is on whenever decorated test code runs, whatever shape the code has."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import unittest

import boto3
import pytest
from helpers import BUCKET, TRAIL

from mock_insights import mock_insights
from mock_insights._adapters import active


def _trails() -> list[str]:
    """The trail names the mock answers with; outside a mock this call would reach AWS."""
    assert active.current is not None, "the mock is not active here"
    client = boto3.client("cloudtrail", region_name="us-east-1")
    return [trail["Name"] for trail in client.list_trails()["Trails"]]


def _create(name: str = TRAIL) -> None:
    boto3.client("cloudtrail", region_name="us-east-1").create_trail(Name=name, S3BucketName=BUCKET)


# --- generators and yield fixtures ----------------------------------------------------------


def test_a_decorated_generator_is_mocked_from_first_to_last_step():
    @mock_insights
    def steps():
        _create()
        sent = yield _trails()
        yield [*_trails(), sent]

    assert inspect.isgeneratorfunction(steps)
    generator = steps()
    assert active.current is None  # calling it starts nothing yet
    assert next(generator) == [TRAIL]
    assert active.current is not None  # still on while the generator is suspended
    assert generator.send("sent") == [TRAIL, "sent"]
    with pytest.raises(StopIteration):
        next(generator)
    assert active.current is None


def test_a_closed_generator_leaves_the_mock():
    @mock_insights
    def steps():
        yield 1
        yield 2

    generator = steps()
    next(generator)
    generator.close()
    assert active.current is None


def test_a_decorated_async_generator_is_mocked_across_awaits():
    @mock_insights
    async def steps():
        _create()
        await asyncio.sleep(0)
        received = yield _trails()
        await asyncio.sleep(0)
        yield [*_trails(), received]

    async def consume() -> list:
        generator = steps()
        first = await generator.__anext__()
        second = await generator.asend("sent")
        with pytest.raises(StopAsyncIteration):
            await generator.__anext__()
        return [first, second]

    assert inspect.isasyncgenfunction(steps)
    assert asyncio.run(consume()) == [[TRAIL], [TRAIL, "sent"]]
    assert active.current is None


def test_an_exception_thrown_into_an_async_generator_reaches_its_body():
    caught: list[str] = []

    @mock_insights
    async def steps():
        try:
            yield 1
        except ValueError as error:
            caught.append(f"{error} with the mock on: {active.current is not None}")
            yield 2

    async def consume() -> int:
        generator = steps()
        await generator.__anext__()
        value = await generator.athrow(ValueError("boom"))
        await generator.aclose()
        return value

    assert asyncio.run(consume()) == 2
    assert caught == ["boom with the mock on: True"]
    assert active.current is None


@pytest.fixture
@mock_insights
def trail_fixture():
    _create()
    yield boto3.client("cloudtrail", region_name="us-east-1")
    # Teardown: the same activation as setup (an error here fails the test that used it).
    assert _trails() == [TRAIL, "test-trail"]


def test_a_decorated_yield_fixture_is_mocked_from_setup_to_teardown(trail_fixture):
    assert [t["Name"] for t in trail_fixture.list_trails()["Trails"]] == [TRAIL]
    _create("test-trail")


def test_decorating_a_pytest_fixture_object_is_refused():
    with pytest.raises(TypeError, match=r"Put @mock_insights below @pytest.fixture"):

        @mock_insights
        @pytest.fixture
        def wrong_order():
            yield None


# --- other callable shapes ---------------------------------------------------------------


class _Shapes:
    @mock_insights
    @staticmethod
    def static() -> list[str]:
        _create()
        return _trails()

    @mock_insights
    @classmethod
    def of_class(cls) -> list[str]:
        _create(cls.__name__.strip("_") + "-trail")
        return _trails()


def test_static_and_class_methods():
    assert _Shapes.static() == [TRAIL]
    assert _Shapes().static() == [TRAIL]
    assert _Shapes.of_class() == ["Shapes-trail"]


def test_a_partial_of_a_coroutine_function_stays_awaitable_and_mocked():
    async def create_then_list(name: str) -> list[str]:
        await asyncio.sleep(0)
        _create(name)
        return _trails()

    decorated = mock_insights(functools.partial(create_then_list, "partial-trail"))
    assert asyncio.run(decorated()) == ["partial-trail"]


def test_callable_objects_sync_and_async():
    class Sync:
        def __call__(self) -> list[str]:
            _create()
            return _trails()

    class Async:
        async def __call__(self) -> list[str]:
            await asyncio.sleep(0)
            _create()
            return _trails()

    assert mock_insights(Sync())() == [TRAIL]
    assert asyncio.run(mock_insights(Async())()) == [TRAIL]


# --- classes ------------------------------------------------------------------------------


class BaseTests:  # not collected itself: no Test prefix
    def test_inherited(self):
        assert _trails() == [TRAIL]  # the subclass's setup_method made it


@mock_insights
class TestSetupBodyAndTeardownShareOneActivation(BaseTests):
    def setup_method(self, method):
        _create()

    def teardown_method(self, method):
        assert _trails()[0] == TRAIL  # still the test's activation: setup's trail is there

    def test_body_sees_setup_state(self):
        assert _trails() == [TRAIL]
        _create("body-trail")

    def test_each_test_starts_fresh(self):
        assert _trails() == [TRAIL]


def test_the_base_class_is_left_alone():
    assert not hasattr(BaseTests.test_inherited, "__wrapped__")
    assert "setup_method" not in vars(BaseTests)


@mock_insights
class TestWithoutSetupMethods:
    @pytest.fixture
    def created(self):
        _create()  # a fixture of the class runs inside the test's activation
        return TRAIL

    def test_fixture_state_is_visible(self, created):
        assert _trails() == [created]


def test_a_failing_setup_method_leaves_no_activation_behind():
    @mock_insights
    class Failing:
        def setup_method(self, method):
            raise RuntimeError("setup failed")

    with pytest.raises(RuntimeError):
        Failing().setup_method(None)
    assert active.current is None


def test_nose_style_setup_and_teardown_run_mocked():
    seen: list[bool] = []

    @mock_insights
    class Nose:
        def setup(self):
            seen.append(active.current is not None)

        def teardown(self):
            seen.append(active.current is not None)

    test = Nose()
    test.setup()  # opens the test's activation (pytest 7 calls it when there is no setup_method)
    assert active.current is not None
    test.teardown()
    assert seen == [True, True]
    assert active.current is None


class _CaseBase(unittest.TestCase):
    __test__ = False  # only through the decorated subclass

    def test_inherited_case(self):
        self.assertEqual(_trails(), [TRAIL])


@mock_insights
class TestCaseSubclass(_CaseBase):
    __test__ = True

    def setUp(self):
        _create()

    def tearDown(self):
        self.assertEqual(_trails(), [TRAIL])


# --- results that run their body later ------------------------------------------------------


def _timeout(function):
    """A sync decorator returning a coroutine, as timeout and retry helpers do."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return asyncio.wait_for(function(*args, **kwargs), timeout=5)

    return wrapper


def test_a_sync_wrapper_returning_a_coroutine_is_mocked_when_awaited():
    @mock_insights
    @_timeout
    async def body() -> list[str]:
        await asyncio.sleep(0)
        _create()
        return _trails()

    assert asyncio.run(body()) == [TRAIL]
    assert active.current is None


def test_context_managers_from_contextlib_are_mocked_from_enter_to_exit():
    @mock_insights
    @contextlib.contextmanager
    def trail_for_a_while():
        _create()
        yield _trails()
        assert _trails() == [TRAIL]  # the exit runs mocked too

    @mock_insights
    @contextlib.asynccontextmanager
    async def async_trail_for_a_while():
        _create("async-trail")
        yield _trails()

    with trail_for_a_while() as inside:
        assert inside == [TRAIL]

    async def use_async() -> list[str]:
        async with async_trail_for_a_while() as names:
            return names

    assert asyncio.run(use_async()) == ["async-trail"]
    assert active.current is None


# --- class hierarchies and class-level setup ------------------------------------------------


@mock_insights
class DecoratedBase:
    def setup_method(self, method):
        _create()


class TestUndecoratedSubclassWithItsOwnSetup(DecoratedBase):
    def setup_method(self, method):  # does not call super(): still mocked, like any subclass
        _create("child-trail")

    def test_own(self):
        assert _trails() == ["child-trail"]


@mock_insights
class TestClassLevelSetupRunsMocked:
    class_setup_saw: list[str] = []

    @classmethod
    def setup_class(cls):
        _create("class-trail")  # its own short activation: mocked, never sent
        cls.class_setup_saw = _trails()

    def test_class_setup_was_mocked_and_tests_start_fresh(self):
        assert self.class_setup_saw == ["class-trail"]
        assert _trails() == []


def test_a_teardown_that_skips_super_leaves_no_activation_behind(pytester):
    pytester.makepyfile(
        """
        import boto3
        from mock_insights import mock_insights
        from mock_insights._adapters import active

        @mock_insights
        class Base:
            def teardown_method(self, method):
                pass

        class TestChild(Base):
            def teardown_method(self, method):  # skips super(): the plugin closes it
                pass

            def test_mocked(self):
                assert active.current is not None

        def test_next_test_starts_unmocked():
            assert active.current is None
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_static_setup_methods_are_left_as_they_are():
    calls: list[str] = []

    @mock_insights
    class WithStaticSetup:
        @staticmethod
        def setup_method(method=None):
            calls.append("setup")

        def test_body(self):
            _create()
            return _trails()

    test = WithStaticSetup()
    test.setup_method(None)
    assert test.test_body() == [TRAIL] and calls == ["setup"]
    test.teardown_method(None)
    assert active.current is None


@mock_insights
class TestPlainFunctionSetupClass:
    seen: list[list[str]] = []

    def setup_class(cls):  # no @classmethod: pytest passes the class all the same
        _create("plain-class-trail")
        cls.seen.append(_trails())

    def test_it_ran_mocked(self):
        assert self.seen == [["plain-class-trail"]]


@mock_insights
class TestStaticSetUpClassAndClassCleanups(unittest.TestCase):
    cleaned: list[list[str]] = []

    @staticmethod
    def setUpClass():
        _create("static-class-trail")
        assert _trails() == ["static-class-trail"]
        TestStaticSetUpClassAndClassCleanups.addClassCleanup(
            lambda: TestStaticSetUpClassAndClassCleanups.cleaned.append(_trails())
        )

    def test_class_setup_was_mocked(self):
        self.assertEqual(_trails(), [])  # each test starts fresh


def test_class_cleanups_ran_mocked():
    TestStaticSetUpClassAndClassCleanups.cleaned.clear()
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(TestStaticSetUpClassAndClassCleanups)
    result = unittest.TestResult()
    suite.run(result)
    assert result.wasSuccessful(), result.errors + result.failures
    assert TestStaticSetUpClassAndClassCleanups.cleaned == [[]]  # mocked, in its own state


@mock_insights
class TestSlottedClass:
    __slots__ = ()

    def setup_method(self, method):
        _create()

    def test_slots_work(self):
        assert _trails() == [TRAIL]
