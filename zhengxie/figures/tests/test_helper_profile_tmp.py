import cProfile, pstats, time
import pytest
from .test_history import P, SESSION, run, workbook
pytestmark = pytest.mark.django_db

def test_big(pw):
    base = ["个人", "", "2023-01-10", "大会期间", "立案", "", "", "城乡建设", "交通运输局", "财政局", "2023-02-20", "", "2023-04-01", "A", "满意", "否", "是"]
    rows = [SESSION + [n, f"关于第{n}件事的建议", f"委员{n % 300}", *base] for n in range(1, 10_001)]
    reps = [[f"信息{n}", f"委员{n % 300}", "委员", "2023-03-05", "已采用", n // 5 + 1, "是", "市", "2023-04-02"] for n in range(2000)]
    data = workbook(rows, reps)
    t = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    result = run(pw, data)
    prof.disable()
    assert result.ok, result.errors[:3]
    print("IMPORT", time.perf_counter() - t)
    pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
