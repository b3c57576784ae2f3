"""Shell completion for hydria apps, answered without importing the app.

`python -m hydria complete --script SCRIPT --line LINE` (see `command`) finds the app's
config source by reading its script statically (`app_source`), splits the line
(`words`, `typed_args`) and answers from the config tree (`candidates`): flags, config
groups and options, the composed config's keys, sweep values and file paths.
"""

__all__: list[str] = []
