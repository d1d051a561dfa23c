# Lời nhắn của dòng lệnh.
cli-file-error = { $path }: { $reason }
cli-io-error = lỗi vào/ra: { $reason }
