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
serve-bad-smtp-url = --smtp-url is not valid: { $reason }
serve-bad-mail-from = --mail-from is not valid: { $reason }
serve-mail-smtp = E-mail is sent through the SMTP relay { $relay }
serve-mail-files = No SMTP relay (--smtp-url): e-mails are written as .eml files to { $path }
serve-mail-files-many-nodes = With PostgreSQL each node writes e-mails to its own folder: set --smtp-url so they are delivered.
serve-sms-recorded = No SMS gateway: text messages are recorded (not sent) in { $path }
serve-jobs-forced = Waited { $seconds } seconds for the background job to finish; stopping anyway (it will run again later).
