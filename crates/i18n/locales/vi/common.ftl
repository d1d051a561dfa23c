# Lời nhắn dùng chung cho mọi nơi.
app-name = Một cửa
language-switched = Đã chuyển sang { $lang }.
