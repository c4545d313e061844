"""Click's own words, marked for our catalog: click looks them up (through `i18n`, see
`vaxdesk.cli.translated.use_our_catalog`) with exactly these message ids, copied from click's
source (click 8.5). Never imported: read by the extraction only. After an upgrade of click,
compare them with its `_()` calls again."""

from i18n import N_, Nn_

# click/core.py
N_("Aborted!")
N_("deprecated")
N_("Options")
N_("Positional arguments")
Nn_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})")
N_("Commands")
N_("Missing command.")
Nn_("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given.")
N_("env var: {var}")
N_("default: {default}")
N_("(dynamic)")
# click/decorators.py
N_("Do you want to continue?")
N_("Confirm the action without prompting.")
N_("Show the version and exit.")
N_("Show this message and exit.")
# click/exceptions.py
# TRANSLATORS: click fills both placeholders with the same text; with one form, write the
# unused one as {NAME:.0}, which shows nothing.
Nn_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)")
N_("Error: {message}")
N_("Try '{command} {option}' for help.")
N_("Invalid value: {message}")
N_("Invalid value for {param_hint}: {message}")
N_("Missing argument")
N_("Missing option")
N_("Missing parameter")
N_("Missing {param_type}")
N_("Missing parameter: {param_name}")
N_("No such option {name!r}.")
N_("No such command {name!r}.")
N_("unknown error")
N_("Could not open file {filename!r}: {message}")
# click/formatting.py
N_("Usage:")
# click/parser.py
N_("Argument {name!r} takes {nargs} values.")
N_("Option {name!r} does not take a value.")
Nn_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.")
# click/termui.py
N_("Repeat for confirmation")
N_("Error: The two entered values do not match.")
N_("Error: invalid input")
N_("Press any key to continue...")
# click/types.py
N_("Choose from:\n\t{choices}")
# TRANSLATORS: click fills both placeholders with the same text; with one form, write the
# unused one as {NAME:.0}, which shows nothing.
Nn_("{value!r} is not {choice}.", "{value!r} is not one of {choices}.")
# TRANSLATORS: click fills both placeholders with the same text; with one form, write the
# unused one as {NAME:.0}, which shows nothing.
Nn_(
    "{value!r} does not match the format {format}.",
    "{value!r} does not match the formats {formats}.",
)
N_("{value!r} is not a valid {number_type}.")
N_("{value} is not in the range {range}.")
N_("{value!r} is not a valid boolean. Recognized values: {states}")
N_("{value!r} is not a valid UUID.")
N_("file")
N_("directory")
N_("path")
N_("{name} {filename!r} does not exist.")
N_("{name} {filename!r} is a file.")
N_("{name} {filename!r} is a directory.")
N_("{name} {filename!r} is not readable.")
N_("{name} {filename!r} is not writable.")
N_("{name} {filename!r} is not executable.")
Nn_(
    "{len_type} values are required, but {len_value} was given.",
    "{len_type} values are required, but {len_value} were given.",
)
