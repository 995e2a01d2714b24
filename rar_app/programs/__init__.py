"""Lines of business as data: one module (or small package) per program, each a
`Program` definition (`base.py`) plus its rules, registered in `registry.py`. The wizard
engine that drives every questionnaire is `engine.py`. Nothing outside this package
switches on a program's code."""
