# Số điện thoại: motcua phone normalize / convert.

## Vì sao một dữ liệu không phải là một số điện thoại hôm nay (domain::phone).
phone-error-empty = không có chữ số nào
phone-error-letters = có chữ cái (“{ $char }”)
phone-error-unexpected-character = có ký tự lạ (“{ $char }”)
phone-error-too-short = quá ngắn: đọc được { $national } ({ $digits } chữ số), số Việt Nam có 10 hoặc 11 chữ số
phone-error-too-long = quá dài: { $digits } chữ số, số Việt Nam có 10 hoặc 11 chữ số
phone-error-not-vietnamese = không phải số Việt Nam (+{ $country }…, không phải +84)
phone-error-service-number = { $number } là số dịch vụ hoặc số ngắn, không phải số thuê bao
phone-error-unknown-prefix = đầu số của { $national } không có trong kế hoạch đánh số
phone-error-wrong-length = { $national } có { $digits } chữ số, nhưng số { $kind ->
        [mobile] di động
       *[other] cố định
    } đầu { $prefix } có { $expected } chữ số
phone-error-bad-subscriber = { $national }: số thuê bao cố định sau mã { $prefix } không bắt đầu bằng 0 hoặc 1
phone-error-not-in-use-on = { $national }: đầu số { $prefix } chỉ dùng từ { $from }, sau ngày ghi nhận { $date }
phone-error-not-in-use-before = { $national }: đầu số { $prefix } chỉ dùng từ { $from }, không có trước ngày { $date }
phone-error-ambiguous = { $national } có { $count } cách hiểu, không tự chọn: { $candidates }

## Một cách hiểu của một số (liệt kê khi chưa rõ).
phone-reading-mobile = { $number } (di động, mạng gốc { $network })
phone-reading-old-mobile = { $number } (di động, mạng gốc { $network }; { $from } là số 11 chữ số cũ đầu { $prefix })
phone-reading-landline = { $number } (cố định, { $province })
phone-reading-old-landline = { $number } (cố định, { $province }; { $from } theo mã vùng cũ { $prefix })

## motcua phone normalize
phone-normalize-invalid = { $input }: không hợp lệ — { $reason }
phone-normalize-ambiguous = { $input }: chưa rõ — { $reason }
phone-bad-date-flag = { $flag }: ngày không hợp lệ “{ $value }” (cần dạng YYYY-MM-DD)

## motcua phone convert
phone-convert-need-output = cần tệp kết quả: -o TỆP
phone-convert-need-source = cần đúng một trong hai: --column TÊN_CỘT hoặc --vcard
phone-convert-date-conflict = không dùng --date-column cùng với --recorded-before
phone-convert-date-column-vcard = --date-column chỉ dùng cho CSV và XLSX, không dùng với --vcard
phone-convert-use-vcard = { $path } là tệp vCard: dùng --vcard thay cho --column
phone-convert-not-vcard = { $path } không phải tệp vCard (không bắt đầu bằng BEGIN:VCARD)
phone-convert-unsupported = { $path }: định dạng không hỗ trợ (dùng CSV, XLSX hoặc vCard)
phone-convert-same-file = { $path } là chính tệp đầu vào: chọn tên tệp kết quả khác
phone-convert-out-extension = tệp kết quả { $out } phải cùng định dạng với tệp đầu vào (.{ $ext })
phone-convert-missing-column = không có cột “{ $column }” trong { $path } (các cột: { $columns })
phone-convert-no-header = { $path } không có dòng tiêu đề
phone-convert-csv-error = { $path }: lỗi đọc CSV: { $reason }
phone-convert-xlsx-error = { $path }: không đọc được bảng tính: { $reason }
phone-convert-not-utf8 = ô không phải văn bản UTF-8
phone-convert-formula = ô là công thức, không chuyển
phone-convert-not-text = ô không phải chữ hay số (“{ $value }”)
phone-convert-bad-row-date = ngày ghi nhận không đọc được: “{ $value }” (cần YYYY-MM-DD hoặc dd/mm/yyyy)
phone-convert-summary = Xong: { $converted } số đã chuyển, { $unchanged } giữ nguyên, { $invalid } không hợp lệ, { $ambiguous } chưa rõ, { $empty } ô trống → { $out } (các dòng không chuyển: { $rejects })
