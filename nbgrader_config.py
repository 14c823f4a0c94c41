"""nbgrader configuration for the Unrolled exercises (instructors and tools/exercises.py).

Layout, relative to the repository root (the course directory):

    solutions/<assignment>/<assignment>.ipynb   source: reference solutions + hidden tests
    exercises/<assignment>/<assignment>.ipynb   release: what learners get (committed)
    submitted/, autograded/, feedback/          created by nbgrader for a class (not committed)

nbgrader formats every path as ``<step>/<student>/<assignment>`` with the student ``.``
for the source and release steps, so ``nbgrader generate_assignment ch01_recurrent_cell``
writes exactly ``exercises/ch01_recurrent_cell/ch01_recurrent_cell.ipynb``.

The same settings are used by ``unrolled grade`` (src/unrolled/grading/settings.py keeps
the shared values; change them there).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))
from unrolled.grading.settings import apply  # noqa: E402

c = get_config()  # noqa: F821  (injected by traitlets when nbgrader loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "unrolled"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

apply(c)
