"""The rules tests/conftest.py enforces: one level marker per test, and no unexplained engine skip under CI=true."""

from __future__ import annotations

import pytest

from tests.support import CI_ALLOWED_SKIPS, skip_refused_in_ci

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.unit

CI = {"CI": "true"}


@pytest.mark.parametrize(("reason", "engine", "env", "allowed", "refused"), [
    pytest.param("the Pulumi CLI is not installed.", True, CI, (), True, id="engine-in-ci"),
    pytest.param("the Pulumi CLI is not installed.", True, {"CI": "True"}, (), True, id="ci-in-any-case"),
    pytest.param("the Pulumi CLI is not installed.", True, {}, (), False, id="engine-on-a-developer-machine"),
    pytest.param("the Pulumi CLI is not installed.", True, {"CI": "false"}, (), False, id="ci-false"),
    pytest.param("curl is not installed", False, CI, (), False, id="not-an-engine-test"),
    pytest.param("no display: headless only", True, CI, ("no display",), False, id="allowed-prefix"),
    pytest.param("a display is needed", True, CI, ("no display",), True, id="not-a-prefix"),
])
def test_the_decision(reason: str, engine: bool, env: dict[str, str], allowed: tuple[str, ...],
                      refused: bool) -> None:
    failure = skip_refused_in_ci(reason, engine=engine, env=env, allowed=allowed)
    assert (failure is not None) is refused
    if failure is not None:
        assert reason in failure and "CI_ALLOWED_SKIPS" in failure


def test_the_allowed_reasons_are_prefixes() -> None:
    assert all(isinstance(prefix, str) and prefix.strip() for prefix in CI_ALLOWED_SKIPS)


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A throwaway suite whose conftest has tests/conftest.py's two hooks, and the same markers."""
    pytester.makeconftest("from tests.conftest import pytest_collection_modifyitems, pytest_runtest_makereport\n")
    pytester.makeini("[pytest]\nmarkers =\n    unit: u\n    integration: i\n    engine: e\n")
    pytester.makepyfile(test_skips='''
        import pytest

        @pytest.mark.engine
        def test_engine_skip():
            pytest.skip("the Pulumi CLI is not installed.")

        @pytest.mark.engine
        @pytest.mark.skipif(True, reason="skipped by a mark")
        def test_engine_skip_mark():
            pass

        @pytest.mark.engine
        @pytest.mark.xfail(reason="known")
        def test_engine_xfail():
            assert False

        @pytest.mark.unit
        def test_unit_skip():
            pytest.skip("curl is not installed")
    ''')
    return pytester


def test_under_ci_an_engine_skip_fails_and_other_skips_stand(suite: pytest.Pytester,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    result = suite.runpytest("-rA")
    # A skip while setting up (a fixture's or a mark's) is reported as an error, a skip in the test as a failure.
    result.assert_outcomes(failed=1, errors=1, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(["*ERROR*test_engine_skip_mark*CI=true*skipped by a mark*",
                                 "*FAILED*test_engine_skip*CI=true*the Pulumi CLI is not installed.*"])


def test_off_ci_every_skip_stands(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    suite.runpytest().assert_outcomes(skipped=3, xfailed=1)


def test_a_test_without_exactly_one_level_marker_is_refused(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("from tests.conftest import pytest_collection_modifyitems\n")
    pytester.makeini("[pytest]\nmarkers =\n    unit: u\n    integration: i\n    engine: e\n")
    pytester.makepyfile(test_levels='''
        import pytest

        def test_none():
            pass

        @pytest.mark.unit
        @pytest.mark.engine
        def test_two():
            pass

        @pytest.mark.integration
        def test_one():
            pass
    ''')
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*exactly one of the markers unit, integration, engine*test_none*test_two*"])
    assert "test_one" not in result.stderr.str()
