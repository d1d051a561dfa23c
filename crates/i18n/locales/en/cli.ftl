# Command-line messages.
cli-file-error = { $path }: { $reason }
cli-io-error = input/output error: { $reason }
usage-unknown-argument = unexpected argument “{ $arg }” (see --help)
usage-unknown-command = no command “{ $command }” (see --help)
usage-missing-argument = missing required argument: { $arg } (see --help)
usage-missing-command = missing command (see --help)
usage-invalid-value = invalid value “{ $value }” for { $arg } (see --help)
usage-conflict = { $arg } cannot be used with { $other } (see --help)
usage-value-count = wrong number of values for { $arg } (see --help)
usage-other = invalid command line: { $detail } (see --help)
