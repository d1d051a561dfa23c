# Trang web, lỗi HTTP và lệnh `motcua serve`.

## Khung trang

web-product-name = Một cửa điện tử
web-province-placeholder = [Tên tỉnh, thành phố]
web-skip-to-content = Bỏ qua, đến nội dung chính
web-language-switch-label = Chọn ngôn ngữ
web-footer-about = Hệ thống thông tin giải quyết thủ tục hành chính, xây dựng trên phần mềm nguồn mở motcua.
web-footer-version = Phiên bản { $version }
web-error-status = Mã lỗi { $status }
web-error-reference = Mã tham chiếu khi liên hệ hỗ trợ: { $id }
web-error-home = Về trang chủ

## Trang chủ

home-title = Trang chủ
home-heading = Dịch vụ công trực tuyến và một cửa điện tử
home-lead = Nộp hồ sơ thủ tục hành chính trực tuyến hoặc tại Bộ phận Tiếp nhận và Trả kết quả, theo dõi tiến độ giải quyết và nhận kết quả tại nhà qua dịch vụ bưu chính công ích.
home-online-heading = Dịch vụ công trực tuyến
home-online-body = Người dân và doanh nghiệp nộp hồ sơ qua mạng, không phải mang giấy tờ đến cơ quan nhà nước.
home-online-level3 = Mức độ 3 (nay là dịch vụ công trực tuyến một phần): nộp hồ sơ trực tuyến; nộp phí, lệ phí và nhận kết quả tại cơ quan hoặc qua bưu chính.
home-online-level4 = Mức độ 4 (nay là dịch vụ công trực tuyến toàn trình): mọi bước, từ nộp hồ sơ, thanh toán phí, lệ phí đến nhận kết quả, đều thực hiện trực tuyến.
home-onestop-heading = Bộ phận một cửa
home-onestop-body = Bộ phận Tiếp nhận và Trả kết quả là đầu mối duy nhất nhận hồ sơ, chuyển đến cơ quan có thẩm quyền, theo dõi thời hạn giải quyết và trả kết quả. Hồ sơ nộp trực tuyến, tại quầy hay qua bưu chính đều được xử lý trên cùng một hệ thống.
home-tracking-heading = Tra cứu hồ sơ
home-tracking-body = Khi nộp hồ sơ, bạn nhận được mã hồ sơ và mã PIN. Với hai mã này, bạn xem được tình trạng giải quyết hồ sơ mà không cần đăng nhập. Chức năng tra cứu sẽ có trong bản cập nhật tới.
home-postal-heading = Nhận kết quả qua bưu chính
home-postal-body = Bạn có thể đề nghị nhân viên bưu chính công ích đến nhận hồ sơ và chuyển trả kết quả đến địa chỉ của mình, thay vì đến trực tiếp cơ quan.
home-status-heading = Hệ thống đang được xây dựng
home-status-body = Đây là bản đầu tiên. Các chức năng nộp hồ sơ, tra cứu, đăng nhập cho cán bộ và thống kê sẽ lần lượt được bổ sung; hiện hệ thống chưa lưu dữ liệu nào.

## Lỗi (RFC 9457): tiêu đề ngắn và lời giải thích của từng loại

problem-bad-request-title = Yêu cầu không hợp lệ
problem-bad-request-detail = Máy chủ không đọc được yêu cầu này. Hãy kiểm tra lại dữ liệu đã gửi.
problem-unauthenticated-title = Chưa đăng nhập
problem-unauthenticated-detail = Bạn cần đăng nhập (hoặc gửi mã truy cập hợp lệ) để dùng chức năng này.
problem-malformed-credentials-detail = Tiêu đề Authorization phải có dạng “Bearer <mã truy cập>”.
problem-forbidden-title = Không có quyền
problem-forbidden-detail = Tài khoản của bạn không có quyền thực hiện thao tác này.
problem-csrf-detail = Biểu mẫu đã hết hạn hoặc không được gửi từ trang của hệ thống. Hãy tải lại trang rồi gửi lại.
problem-not-found-title = Không tìm thấy
problem-not-found-detail = Địa chỉ này không tồn tại hoặc đã thay đổi. Hãy kiểm tra lại đường dẫn.
problem-method-not-allowed-title = Phương thức không được hỗ trợ
problem-method-not-allowed-detail = Địa chỉ này không nhận phương thức HTTP đã dùng.
problem-request-timeout-title = Quá thời gian xử lý
problem-request-timeout-detail = Yêu cầu mất quá nhiều thời gian nên đã bị dừng. Hãy thử lại.
problem-payload-too-large-title = Dữ liệu gửi lên quá lớn
problem-payload-too-large-detail = Dữ liệu gửi lên vượt quá giới hạn cho phép.
problem-unsupported-media-type-title = Định dạng dữ liệu không được hỗ trợ
problem-unsupported-media-type-detail = Hãy gửi dữ liệu đúng định dạng (ví dụ Content-Type: application/json).
problem-invalid-input-title = Dữ liệu không hợp lệ
problem-invalid-input-detail = Dữ liệu gửi lên có nội dung không hợp lệ.
problem-conflict-title = Chưa thực hiện được lúc này
problem-conflict-detail = Tình trạng hiện tại không cho phép thao tác này.
problem-too-many-requests-title = Thử quá nhiều lần
problem-too-many-requests-detail = Bạn đã thử quá nhiều lần. Hãy chờ một lúc rồi thử lại.
problem-internal-title = Lỗi hệ thống
problem-internal-detail = Đã xảy ra lỗi phía máy chủ. Lỗi đã được ghi lại; hãy thử lại sau.
problem-unavailable-title = Dịch vụ tạm thời gián đoạn
problem-unavailable-detail = Hệ thống tạm thời chưa sẵn sàng. Hãy thử lại sau ít phút.
problem-http-error-title = Yêu cầu không thành công
problem-http-error-detail = Không thể hoàn tất yêu cầu này.

## Lệnh motcua serve

serve-listening = Đang phục vụ tại { $url }
serve-data-dir = Thư mục dữ liệu: { $path }
serve-database = Cơ sở dữ liệu: { $engine }
serve-blobs-dir = Tệp đính kèm được lưu tại: { $path }
serve-demo-loaded = Dữ liệu mẫu: thêm { $agencies } cơ quan, nạp { $procedures } phiên bản thủ tục, thêm { $accounts } tài khoản.
serve-demo-accounts = Tài khoản mẫu (mật khẩu: { $password }):
serve-demo-role-citizen = công dân
serve-demo-role-business = doanh nghiệp
serve-demo-role-reception-officer = cán bộ tiếp nhận và trả kết quả, mọi xã phường demo và trung tâm
serve-demo-role-specialist = chuyên viên, mọi xã phường demo và trung tâm
serve-demo-role-approver = lãnh đạo phê duyệt, mọi xã phường demo và trung tâm
serve-demo-role-system-admin = quản trị hệ thống
serve-demo-role-postal-worker = nhân viên bưu điện, bưu cục phục vụ các xã phường demo và trung tâm
serve-shutting-down = Đã nhận tín hiệu dừng; đang hoàn tất các yêu cầu dở dang…
serve-stopped = Máy chủ đã dừng.
serve-shutdown-forced = Đã chờ { $seconds } giây; đóng các kết nối còn lại.
serve-addr-in-use = Không thể lắng nghe tại { $addr }: địa chỉ này đang được một chương trình khác sử dụng.
serve-listen-failed = Không thể lắng nghe tại { $addr }: { $reason }
