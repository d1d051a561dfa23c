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
