# Phone numbers: motcua phone normalize / convert.

## Why an input is not one phone number today (domain::phone).
phone-error-empty = no digits
phone-error-letters = contains a letter (“{ $char }”)
phone-error-unexpected-character = unexpected character (“{ $char }”)
phone-error-too-short = too short: read as { $national } ({ $digits } digits); Vietnamese numbers have 10 or 11 digits
phone-error-too-long = too long: { $digits } digits; Vietnamese numbers have 10 or 11 digits
phone-error-not-vietnamese = not a Vietnamese number (+{ $country }…, not +84)
phone-error-service-number = { $number } is a service or short number, not a subscriber's
phone-error-unknown-prefix = the prefix of { $national } is not in the numbering plan
phone-error-wrong-length = { $national } has { $digits } digits, but a { $kind ->
        [mobile] mobile
       *[other] landline
    } number starting { $prefix } has { $expected }
phone-error-bad-subscriber = { $national }: a landline subscriber number after code { $prefix } cannot start with 0 or 1
phone-error-not-in-use-on = { $national }: prefix { $prefix } was only used from { $from }, after the recording date { $date }
phone-error-not-in-use-before = { $national }: prefix { $prefix } was only used from { $from }, not before { $date }
phone-error-ambiguous = { $national } has { $count } meanings, none chosen: { $candidates }

## One meaning of a number (listed when it is ambiguous).
phone-reading-mobile = { $number } (mobile, original network { $network })
phone-reading-old-mobile = { $number } (mobile, original network { $network }; { $from } is an old 11-digit number with prefix { $prefix })
phone-reading-landline = { $number } (landline, { $province })
phone-reading-old-landline = { $number } (landline, { $province }; { $from } with the old area code { $prefix })

## motcua phone normalize
phone-normalize-invalid = { $input }: invalid — { $reason }
phone-normalize-ambiguous = { $input }: ambiguous — { $reason }
phone-bad-date-flag = { $flag }: invalid date “{ $value }” (use YYYY-MM-DD)

## motcua phone convert
phone-convert-need-output = an output file is needed: -o FILE
phone-convert-need-source = give exactly one of --column NAME or --vcard
phone-convert-date-conflict = --date-column and --recorded-before cannot be used together
phone-convert-date-column-vcard = --date-column is for CSV and XLSX, not for --vcard
phone-convert-use-vcard = { $path } is a vCard file: use --vcard instead of --column
phone-convert-not-vcard = { $path } is not a vCard file (it does not begin with BEGIN:VCARD)
phone-convert-unsupported = { $path }: unsupported format (use CSV, XLSX or vCard)
phone-convert-same-file = { $path } is the input file itself: choose another output name
phone-convert-out-extension = the output file { $out } must have the input's format (.{ $ext })
phone-convert-missing-column = no column “{ $column }” in { $path } (columns: { $columns })
phone-convert-no-header = { $path } has no header row
phone-convert-csv-error = { $path }: CSV read error: { $reason }
phone-convert-xlsx-error = { $path }: cannot read the workbook: { $reason }
phone-convert-not-utf8 = the cell is not UTF-8 text
phone-convert-formula = the cell is a formula; not converted
phone-convert-not-text = the cell is neither text nor a number (“{ $value }”)
phone-convert-bad-row-date = unreadable recording date: “{ $value }” (use YYYY-MM-DD or dd/mm/yyyy)
phone-convert-summary = Done: { $converted } converted, { $unchanged } unchanged, { $invalid } invalid, { $ambiguous } ambiguous, { $empty } empty → { $out } (rows not converted: { $rejects })
