# Lời nhắn của dòng lệnh.
cli-file-error = { $path }: { $reason }
cli-io-error = lỗi vào/ra: { $reason }
usage-unknown-argument = không có tham số “{ $arg }” (xem --help)
usage-unknown-command = không có lệnh “{ $command }” (xem --help)
usage-missing-argument = thiếu tham số bắt buộc: { $arg } (xem --help)
usage-missing-command = thiếu lệnh (xem --help)
usage-invalid-value = giá trị “{ $value }” không hợp lệ cho { $arg } (xem --help)
usage-conflict = không dùng { $arg } cùng với { $other } (xem --help)
usage-value-count = số giá trị cho { $arg } không đúng (xem --help)
usage-other = dòng lệnh không hợp lệ: { $detail } (xem --help)
serve-bad-smtp-url = --smtp-url không hợp lệ: { $reason }
serve-bad-mail-from = --mail-from không hợp lệ: { $reason }
serve-mail-smtp = Thư điện tử được gửi qua máy chủ SMTP { $relay }
serve-mail-files = Chưa cấu hình máy chủ SMTP (--smtp-url): thư điện tử được ghi thành tệp .eml tại { $path }
serve-mail-files-many-nodes = Với PostgreSQL, mỗi máy chủ ghi thư vào thư mục của riêng nó: hãy đặt --smtp-url để thư được gửi đi.
serve-sms-recorded = Chưa có cổng gửi tin nhắn: tin nhắn được ghi lại (không gửi đi) tại { $path }
serve-jobs-forced = Đã chờ { $seconds } giây mà tác vụ nền chưa xong; dừng hẳn (tác vụ sẽ được chạy lại sau).
