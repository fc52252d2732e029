"""Print the story-test result as a closing line ("N passed, N failed") from rasa's report."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(results_dir: str) -> int:
    report = json.loads((Path(results_dir) / "story_report.json").read_text())
    failed_file = Path(results_dir) / "failed_test_stories.yml"
    failed_text = failed_file.read_text() if failed_file.exists() else ""
    failed = failed_text.count("- story:")
    correct_file = Path(results_dir) / "successful_test_stories.yml"
    passed = correct_file.read_text().count("- story:") if correct_file.exists() else 0
    accuracy = report.get("accuracy")
    print(f"story tests: action accuracy {accuracy}")
    print(f"stories: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
