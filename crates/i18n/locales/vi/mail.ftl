# Thư điện tử và tin nhắn gửi người dân. Văn bản thuần, không định dạng.
mail-verify-subject = Xác minh địa chỉ thư điện tử của bạn
mail-verify-body =
    Kính gửi { $name },

    Bạn (hoặc ai đó) vừa đăng ký tài khoản dịch vụ công trực tuyến bằng địa chỉ này.
    Để xác minh địa chỉ, hãy mở liên kết sau trong { $days } ngày tới:

    { $link }

    Nếu bạn không đăng ký, hãy bỏ qua thư này.
mail-reset-subject = Đặt lại mật khẩu tài khoản dịch vụ công
mail-reset-body =
    Kính gửi { $name },

    Có yêu cầu đặt lại mật khẩu cho tài khoản của bạn. Để đặt mật khẩu mới,
    hãy mở liên kết sau trong { $minutes } phút tới:

    { $link }

    Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên.
mail-submitted-subject = Đã nhận hồ sơ { $code }
mail-submitted-body =
    Kính gửi { $name },

    { $province } đã nhận hồ sơ trực tuyến của bạn.

    Thủ tục: { $procedure }
    Mã hồ sơ: { $code }
    Mã tra cứu (PIN): { $pin }
    Thời điểm nộp: { $entered }
    Ngày dự kiến có kết quả: { $estimate } (ước tính; thời hạn chính thức được tính từ khi cán bộ tiếp nhận hồ sơ hợp lệ)

    Tra cứu tình trạng hồ sơ bằng mã hồ sơ và mã PIN tại:
    { $link }

    Hãy giữ mã PIN; không chia sẻ cho người không liên quan.
mail-status-subject = Hồ sơ { $code }: { $stage }
mail-status-body =
    Kính gửi { $name },

    Hồ sơ { $code } ({ $procedure }) vừa chuyển sang tình trạng: { $stage }.
    { $detail }

    Xem chi tiết sau khi đăng nhập:
    { $link }
sms-submitted = Da nhan ho so { $code }. Ma tra cuu PIN: { $pin }. Du kien co ket qua: { $estimate }.
sms-status = Ho so { $code }: { $stage }.
mail-assigned-subject = Hồ sơ { $code } được giao cho anh/chị
mail-assigned-body =
    Kính gửi { $name },

    { $by } vừa giao hồ sơ { $code } (người nộp: { $applicant }) cho anh/chị thẩm định.

    Mở hồ sơ:
    { $link }
mail-digest-subject = Hồ sơ cần chú ý hôm nay: { $overdue } quá hạn, { $soon } sắp đến hạn
mail-digest-body =
    Kính gửi { $name },

    Ở các cơ quan anh/chị xử lý hồ sơ, hôm nay có { $overdue } hồ sơ đã quá hạn và { $soon } hồ sơ đến hạn trong 01 ngày làm việc:

    { $list }

    Xem và xử lý:
    { $link }
mail-welcome-official-subject = Tài khoản cán bộ của anh/chị trên hệ thống một cửa điện tử
mail-welcome-official-body =
    Kính gửi { $name },

    Anh/chị vừa được cấp tài khoản cán bộ để xử lý hồ sơ thủ tục hành chính. Để đặt mật khẩu lần đầu, hãy mở liên kết sau trong { $days } ngày tới:

    { $link }

    Đăng nhập bằng địa chỉ thư điện tử này. Nếu anh/chị không chờ thư này, hãy báo quản trị hệ thống của cơ quan.
mail-post-subject = Bưu điện – { $label }: { $status }
mail-post-body =
    Kính gửi { $name },

    Hồ sơ { $label }: { $status }.
    { $detail }

    Xem chi tiết sau khi đăng nhập:
    { $link }
sms-post = Buu dien - { $label }: { $status }.
mail-post-result-subject = Kết quả chờ bưu điện nhận: { $code }
mail-post-result-body =
    Kính gửi { $name },

    Kết quả hồ sơ { $code } đã có tại { $agency } và chờ bưu điện nhận để phát cho người nộp.

    Xem trang Bưu điện:
    { $link }
