//! Fees paid online: fee accounts, payments, receipt series and refunds.

use chrono::Datelike;
use motcua_domain::calendar;
use motcua_domain::lifecycle::Action;
use motcua_store::timeline::prepare_money;
use motcua_store::{
    AgencyId, CheckoutId, DossierId, FeeAccount, NewPayment, NewRefund, Payment, PaymentId,
    PaymentItem, PaymentState, ReceiptNumber, Refund, Settled, Settlement, StoreError, StoreResult,
    clean,
};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::convert::{
    count_u32, count_u64, db_err, from_json, from_us, opt_from_us, parse, to_i64, to_json, us,
};
use crate::dossiers;

const COLUMNS: &str = "id, reference, checkout_id, payer_id, beneficiary_id, provider, amount_vnd,
    items, state, created_at, closed_at, paid_at, provider_txn, failure, receipt_symbol,
    receipt_year, receipt_number";

pub(crate) async fn set_fee_account(pool: &SqlitePool, account: &FeeAccount) -> StoreResult<()> {
    let a = clean::fee_account(account)?;
    sqlx::query(
        "INSERT INTO fee_accounts (agency_id, number, holder, treasury, receipt_symbol)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agency_id) DO UPDATE SET number = excluded.number,
            holder = excluded.holder, treasury = excluded.treasury,
            receipt_symbol = excluded.receipt_symbol",
    )
    .bind(a.agency.to_string())
    .bind(&a.number)
    .bind(&a.holder)
    .bind(&a.treasury)
    .bind(&a.receipt_symbol)
    .execute(pool)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn fee_account(
    pool: &SqlitePool,
    agency: AgencyId,
) -> StoreResult<Option<FeeAccount>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    account_of(&mut conn, agency).await
}

async fn account_of(
    conn: &mut SqliteConnection,
    agency: AgencyId,
) -> StoreResult<Option<FeeAccount>> {
    let row = sqlx::query(
        "SELECT number, holder, treasury, receipt_symbol FROM fee_accounts WHERE agency_id = $1",
    )
    .bind(agency.to_string())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    row.map(|r| {
        Ok(FeeAccount {
            agency,
            number: r.try_get("number").map_err(db_err)?,
            holder: r.try_get("holder").map_err(db_err)?,
            treasury: r.try_get("treasury").map_err(db_err)?,
            receipt_symbol: r.try_get("receipt_symbol").map_err(db_err)?,
        })
    })
    .transpose()
}

fn from_row(row: &SqliteRow) -> StoreResult<Payment> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(db_err);
    let opt_text = |c: &str| row.try_get::<Option<String>, _>(c).map_err(db_err);
    let receipt = match (
        opt_text("receipt_symbol")?,
        row.try_get::<Option<i64>, _>("receipt_year")
            .map_err(db_err)?,
        row.try_get::<Option<i64>, _>("receipt_number")
            .map_err(db_err)?,
    ) {
        (Some(symbol), Some(year), Some(number)) => Some(ReceiptNumber {
            symbol,
            year: i32::try_from(year).map_err(|_| StoreError::corrupt("a receipt year"))?,
            number: count_u32(number, "a receipt number")?,
        }),
        _ => None,
    };
    let state = text("state")?;
    Ok(Payment {
        id: parse(&text("id")?, "payment id")?,
        reference: text("reference")?,
        checkout: parse(&text("checkout_id")?, "checkout id")?,
        payer: parse(&text("payer_id")?, "payer id")?,
        beneficiary: parse(&text("beneficiary_id")?, "beneficiary id")?,
        provider: text("provider")?,
        amount_vnd: count_u64(
            row.try_get("amount_vnd").map_err(db_err)?,
            "a payment amount",
        )?,
        items: from_json::<Vec<PaymentItem>>(&text("items")?, "payment items")?,
        state: PaymentState::from_key(&state)
            .ok_or_else(|| StoreError::corrupt(format!("payment state `{state}`")))?,
        created_at: from_us(row.try_get("created_at").map_err(db_err)?)?,
        closed_at: opt_from_us(row.try_get("closed_at").map_err(db_err)?)?,
        paid_at: opt_from_us(row.try_get("paid_at").map_err(db_err)?)?,
        provider_txn: opt_text("provider_txn")?,
        failure: opt_text("failure")?,
        receipt,
    })
}

pub(crate) async fn create(pool: &SqlitePool, new: NewPayment) -> StoreResult<Payment> {
    let p = clean::payment(new)?;
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM payments WHERE reference = $1")
        .bind(&p.reference)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    if taken.is_some() {
        return Err(StoreError::conflict(format!("payment {}", p.reference)));
    }
    sqlx::query(
        "INSERT INTO payments (id, reference, checkout_id, payer_id, beneficiary_id, provider,
            amount_vnd, items, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
    )
    .bind(p.id.to_string())
    .bind(&p.reference)
    .bind(p.checkout.to_string())
    .bind(p.payer.to_string())
    .bind(p.beneficiary.to_string())
    .bind(&p.provider)
    .bind(to_i64(p.amount_vnd)?)
    .bind(to_json(&p.items)?)
    .bind(us(p.created_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let payment = Payment {
        id: p.id,
        reference: p.reference,
        checkout: p.checkout,
        payer: p.payer,
        beneficiary: p.beneficiary,
        provider: p.provider,
        amount_vnd: p.amount_vnd,
        items: p.items,
        state: PaymentState::Pending,
        created_at: p.created_at,
        closed_at: None,
        paid_at: None,
        provider_txn: None,
        failure: None,
        receipt: None,
    };
    for dossier in payment.dossiers() {
        sqlx::query("INSERT INTO payment_dossiers (dossier_id, payment_id) VALUES ($1, $2)")
            .bind(dossier.to_string())
            .bind(payment.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    on_each_dossier(&mut tx, &payment, payment.created_at, |dossier| {
        Action::FeePaymentStarted {
            payment: payment.reference.clone(),
            amount_vnd: payment.amount_for(dossier),
        }
    })
    .await?;
    tx.commit().await.map_err(db_err)?;
    Ok(payment)
}

/// Appends the money event `action` makes for each dossier `payment`
/// covers, in the caller's transaction. The dossiers are locked in id
/// order, so two transactions over the same dossiers take their locks in
/// the same order and never deadlock.
async fn on_each_dossier(
    conn: &mut SqliteConnection,
    payment: &Payment,
    at: chrono::DateTime<chrono::Utc>,
    action: impl Fn(DossierId) -> Action,
) -> StoreResult<()> {
    let mut covered = payment.dossiers();
    covered.sort();
    for dossier in covered {
        let current = dossiers::load_current(conn, dossier).await?;
        let prepared = prepare_money(&current, action(dossier), at)?;
        dossiers::write_appended(conn, current, prepared, &[]).await?;
    }
    Ok(())
}

async fn by_reference(
    conn: &mut SqliteConnection,
    reference: &str,
) -> StoreResult<Option<Payment>> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE reference = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(reference)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn get(pool: &SqlitePool, reference: &str) -> StoreResult<Option<Payment>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    by_reference(&mut conn, reference).await
}

pub(crate) async fn of_dossier(pool: &SqlitePool, dossier: DossierId) -> StoreResult<Vec<Payment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments WHERE id IN
            (SELECT payment_id FROM payment_dossiers WHERE dossier_id = $1)
         ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(dossier.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn of_checkout(
    pool: &SqlitePool,
    checkout: CheckoutId,
) -> StoreResult<Vec<Payment>> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE checkout_id = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(checkout.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn settle(pool: &SqlitePool, s: Settlement) -> StoreResult<Settled> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let payment = by_reference(&mut tx, &s.reference)
        .await?
        .ok_or_else(|| StoreError::not_found(format!("payment {}", s.reference)))?;
    if payment.state == PaymentState::Settled {
        return Ok(Settled::Already(payment));
    }
    let account = account_of(&mut tx, payment.beneficiary)
        .await?
        .ok_or_else(|| StoreError::invalid("the collecting agency has no fee account"))?;
    let year = calendar::to_local(s.at).year();
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO receipt_series (agency_id, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (agency_id, year) DO UPDATE SET last = last + 1
         RETURNING last",
    )
    .bind(payment.beneficiary.to_string())
    .bind(i64::from(year))
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let receipt = ReceiptNumber {
        symbol: account.receipt_symbol,
        year,
        number: count_u32(number, "a receipt number")?,
    };
    let at = motcua_store::hash::micros(s.at);
    let paid_at = motcua_store::hash::micros(s.paid_at);
    let provider_txn = clean::optional_text(Some(&s.provider_txn))?;
    sqlx::query(
        "UPDATE payments SET state = 'settled', closed_at = $2, paid_at = $3, provider_txn = $4,
            failure = NULL, receipt_symbol = $5, receipt_year = $6, receipt_number = $7
         WHERE id = $1",
    )
    .bind(payment.id.to_string())
    .bind(us(at))
    .bind(us(paid_at))
    .bind(&provider_txn)
    .bind(&receipt.symbol)
    .bind(i64::from(receipt.year))
    .bind(number)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    on_each_dossier(&mut tx, &payment, at, |dossier| Action::FeePaid {
        payment: payment.reference.clone(),
        amount_vnd: payment.amount_for(dossier),
        receipt: receipt.to_string(),
    })
    .await?;
    tx.commit().await.map_err(db_err)?;
    Ok(Settled::Now(Payment {
        state: PaymentState::Settled,
        closed_at: Some(at),
        paid_at: Some(paid_at),
        provider_txn,
        failure: None,
        receipt: Some(receipt),
        ..payment
    }))
}

pub(crate) async fn fail(
    pool: &SqlitePool,
    reference: &str,
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<bool> {
    let reason = clean::optional_text(Some(reason))?
        .ok_or_else(|| StoreError::invalid("a failed payment needs a reason"))?;
    let at = motcua_store::hash::micros(at);
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let Some(payment) = by_reference(&mut tx, reference).await? else {
        return Ok(false);
    };
    if payment.state != PaymentState::Pending {
        return Ok(false);
    }
    sqlx::query("UPDATE payments SET state = 'failed', closed_at = $2, failure = $3 WHERE id = $1")
        .bind(payment.id.to_string())
        .bind(us(at))
        .bind(&reason)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    on_each_dossier(&mut tx, &payment, at, |_| Action::FeePaymentFailed {
        payment: payment.reference.clone(),
        reason: reason.clone(),
    })
    .await?;
    tx.commit().await.map_err(db_err)?;
    Ok(true)
}

pub(crate) async fn refund(pool: &SqlitePool, new: NewRefund) -> StoreResult<Refund> {
    let reason = clean::optional_text(Some(&new.reason))?
        .ok_or_else(|| StoreError::invalid("a refund needs a reason"))?;
    let provider_ref = clean::optional_text(new.provider_ref.as_deref())?;
    let at = motcua_store::hash::micros(new.at);
    if new.amount_vnd == 0 {
        return Err(StoreError::invalid("a refund gives back more than 0"));
    }
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_err)?;
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE id = $1");
    let payment = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(new.payment.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| StoreError::not_found(format!("payment {}", new.payment)))?;
    let refunded: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(amount_vnd), 0) FROM refunds WHERE payment_id = $1 AND dossier_id = $2",
    )
    .bind(new.payment.to_string())
    .bind(new.dossier.to_string())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    motcua_store::refund_allowed(&payment, count_u64(refunded, "refunded")?, &new)?;
    sqlx::query(
        "INSERT INTO refunds (id, payment_id, dossier_id, amount_vnd, reason, provider_ref, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.id.to_string())
    .bind(new.payment.to_string())
    .bind(new.dossier.to_string())
    .bind(to_i64(new.amount_vnd)?)
    .bind(&reason)
    .bind(&provider_ref)
    .bind(us(at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let current = dossiers::load_current(&mut tx, new.dossier).await?;
    let action = Action::FeeRefunded {
        payment: payment.reference.clone(),
        amount_vnd: new.amount_vnd,
        reason: reason.clone(),
    };
    let prepared = prepare_money(&current, action, at)?;
    dossiers::write_appended(&mut tx, current, prepared, &[]).await?;
    tx.commit().await.map_err(db_err)?;
    Ok(Refund {
        id: new.id,
        payment: new.payment,
        dossier: new.dossier,
        amount_vnd: new.amount_vnd,
        reason,
        provider_ref,
        at,
    })
}

fn refund_from_row(r: &SqliteRow) -> StoreResult<Refund> {
    let text = |c: &str| r.try_get::<String, _>(c).map_err(db_err);
    Ok(Refund {
        id: parse(&text("id")?, "refund id")?,
        payment: parse(&text("payment_id")?, "payment id")?,
        dossier: parse(&text("dossier_id")?, "dossier id")?,
        amount_vnd: count_u64(r.try_get("amount_vnd").map_err(db_err)?, "a refund")?,
        reason: text("reason")?,
        provider_ref: r.try_get("provider_ref").map_err(db_err)?,
        at: from_us(r.try_get("at").map_err(db_err)?)?,
    })
}

const REFUND_COLUMNS: &str = "id, payment_id, dossier_id, amount_vnd, reason, provider_ref, at";

pub(crate) async fn refunds_of(pool: &SqlitePool, payment: PaymentId) -> StoreResult<Vec<Refund>> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE payment_id = $1 ORDER BY at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(payment.to_string())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(refund_from_row).collect()
}

pub(crate) async fn refunds_between(
    pool: &SqlitePool,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> StoreResult<Vec<Refund>> {
    let sql =
        format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE at >= $1 AND at < $2 ORDER BY at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(us(from))
        .bind(us(to))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(refund_from_row).collect()
}

pub(crate) async fn between(
    pool: &SqlitePool,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
) -> StoreResult<Vec<Payment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments
         WHERE (created_at >= $1 AND created_at < $2) OR (closed_at >= $1 AND closed_at < $2)
         ORDER BY created_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(us(from))
        .bind(us(to))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}
