# E-mails and text messages to citizens. Plain text.
mail-verify-subject = Verify your e-mail address
mail-verify-body =
    Dear { $name },

    You (or someone) registered for an online public-services account with this address.
    To verify the address, open this link within { $days } days:

    { $link }

    If you did not register, ignore this message.
mail-reset-subject = Reset the password of your public-services account
mail-reset-body =
    Dear { $name },

    Someone asked to reset the password of your account. To set a new password,
    open this link within { $minutes } minutes:

    { $link }

    If you did not ask, ignore this message; your password stays as it is.
mail-submitted-subject = Application { $code } received
mail-submitted-body =
    Dear { $name },

    { $province } has received your online application.

    Procedure: { $procedure }
    Application code: { $code }
    Tracking PIN: { $pin }
    Submitted: { $entered }
    Expected result date: { $estimate } (an estimate; the legal time limit starts when an officer accepts the application as complete)

    Track its status with the code and the PIN at:
    { $link }

    Keep the PIN; do not share it with anyone not concerned.
mail-status-subject = Application { $code }: { $stage }
mail-status-body =
    Dear { $name },

    Application { $code } ({ $procedure }) is now: { $stage }.
    { $detail }

    See the details after signing in:
    { $link }
sms-submitted = Application { $code } received. Tracking PIN: { $pin }. Expected result: { $estimate }.
sms-status = Application { $code }: { $stage }.
mail-assigned-subject = Application { $code } was assigned to you
mail-assigned-body =
    Dear { $name },

    { $by } has assigned application { $code } (applicant: { $applicant }) to you for appraisal.

    Open it:
    { $link }
mail-digest-subject = Applications needing attention today: { $overdue } overdue, { $soon } due soon
mail-digest-body =
    Dear { $name },

    At the agencies where you handle applications, { $overdue } are overdue today and { $soon } fall due within 1 working day:

    { $list }

    See and handle them:
    { $link }
mail-welcome-official-subject = Your official's account on the one-stop system
mail-welcome-official-body =
    Dear { $name },

    An official's account was made for you to handle administrative-procedure dossiers. To set your first password, open this link within the next { $days } days:

    { $link }

    Sign in with this e-mail address. If you did not expect this message, tell your agency's system administrator.
mail-post-subject = Post – { $label }: { $status }
mail-post-body =
    Dear { $name },

    Dossier { $label }: { $status }.
    { $detail }

    See the details after signing in:
    { $link }
sms-post = Post - { $label }: { $status }.
mail-post-result-subject = A result waits for the post: { $code }
mail-post-result-body =
    Dear { $name },

    The result of dossier { $code } is ready at { $agency } and waits for the post to collect and deliver it.

    See the Post page:
    { $link }
