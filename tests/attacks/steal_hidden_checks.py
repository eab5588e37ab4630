# Attack: find the hidden checks anywhere on the machine and show them in outputs, errors and values.
import glob
import os
import sys

found = []
patterns = [
    "/work/**/tests/q*.py",
    "/work/**/dist/**/*.py",
    "/tmp/**/q*.py",
    "/root/**/tests/q*.py",
    "/home/**/tests/q*.py",
    "/work/**/*-autograder.zip",
    os.path.join(sys.prefix, "..", "tests", "q*.py"),
]
try:
    import autograder

    project = os.path.dirname(os.path.dirname(autograder.__file__))
    patterns += [os.path.join(project, "dist", "**", "*.py"), os.path.join(project, "solutions", "*.ipynb")]
except ImportError:
    pass
for pattern in patterns:
    for path in glob.glob(pattern, recursive=True):
        try:
            with open(path, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if "hidden=True" in text or "hidden: true" in text:
            found.append(path + "\n" + text)
print("\n".join(found) or "nothing found")
sys.stderr.write("\n".join(found))
os.write(1, "\n".join(found).encode() or b"-")
stolen = "\n".join(found)
if found:
    raise RuntimeError(stolen)
