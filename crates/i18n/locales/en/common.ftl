# Messages shared everywhere.
app-name = One-stop
language-switched = Switched to { $lang }.
