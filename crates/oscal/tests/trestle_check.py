"""Reads OSCAL JSON files with compliance-trestle's pydantic models; exit status 0 only if all load.

Usage: python3 trestle_check.py KIND PATH [KIND PATH ...]
KIND is catalog, assessment-results or poam.
"""
import pathlib
import sys

try:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.poam import PlanOfActionAndMilestones
except ImportError as error:  # the Rust test turns this into a failure with the message
    print(f"compliance-trestle is not installed ({error}); run: pip install compliance-trestle")
    sys.exit(3)

MODELS = {
    "catalog": Catalog,
    "assessment-results": AssessmentResults,
    "poam": PlanOfActionAndMilestones,
}

args = sys.argv[1:]
if not args or len(args) % 2:
    print(__doc__)
    sys.exit(2)
failed = 0
for kind, path in zip(args[0::2], args[1::2]):
    try:
        model = MODELS[kind].oscal_read(pathlib.Path(path))
        if model is None:
            raise ValueError("trestle returned nothing")
        print(f"ok {kind} {path}")
    except Exception as error:  # report every file, then fail
        failed += 1
        print(f"FAIL {kind} {path}: {error}")
sys.exit(1 if failed else 0)
