# Command-line messages.
cli-file-error = { $path }: { $reason }
cli-io-error = input/output error: { $reason }
