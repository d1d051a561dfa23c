//! Fees paid online: fee accounts, payments, receipt series and refunds.
//! The payment row is locked (`FOR UPDATE`) while it is settled or
//! refunded, and the receipt series is counted by one upsert, so many nodes
//! settle each payment once and number receipts without gaps.

use chrono::{DateTime, Datelike, Utc};
use motcua_domain::calendar;
use motcua_domain::lifecycle::Action;
use motcua_store::hash::micros;
use motcua_store::timeline::prepare_money;
use motcua_store::{
    AgencyId, CheckoutId, DossierId, FeeAccount, NewPayment, NewRefund, Payment, PaymentId,
    PaymentItem, PaymentState, ReceiptNumber, Refund, Settled, Settlement, StoreError, StoreResult,
    clean, refund_allowed,
};
use sqlx::PgConnection;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::types::Json;

use crate::convert::{count_u32, count_u64, db_err, get, get_json, to_i64};
use crate::dossiers;

const COLUMNS: &str = "id, reference, checkout_id, payer_id, beneficiary_id, provider, amount_vnd,
    items, state, created_at, closed_at, paid_at, provider_txn, failure, receipt_symbol,
    receipt_year, receipt_number";

pub(crate) async fn set_fee_account(pool: &PgPool, account: &FeeAccount) -> StoreResult<()> {
    let a = clean::fee_account(account)?;
    sqlx::query(
        "INSERT INTO fee_accounts (agency_id, number, holder, treasury, receipt_symbol)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agency_id) DO UPDATE SET number = excluded.number,
            holder = excluded.holder, treasury = excluded.treasury,
            receipt_symbol = excluded.receipt_symbol",
    )
    .bind(a.agency.uuid())
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
    pool: &PgPool,
    agency: AgencyId,
) -> StoreResult<Option<FeeAccount>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    account_of(&mut conn, agency).await
}

async fn account_of(conn: &mut PgConnection, agency: AgencyId) -> StoreResult<Option<FeeAccount>> {
    let row = sqlx::query(
        "SELECT number, holder, treasury, receipt_symbol FROM fee_accounts WHERE agency_id = $1",
    )
    .bind(agency.uuid())
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    row.map(|r| {
        Ok(FeeAccount {
            agency,
            number: get(&r, "number")?,
            holder: get(&r, "holder")?,
            treasury: get(&r, "treasury")?,
            receipt_symbol: get(&r, "receipt_symbol")?,
        })
    })
    .transpose()
}

fn from_row(row: &PgRow) -> StoreResult<Payment> {
    let receipt = match (
        get::<Option<String>>(row, "receipt_symbol")?,
        get::<Option<i32>>(row, "receipt_year")?,
        get::<Option<i32>>(row, "receipt_number")?,
    ) {
        (Some(symbol), Some(year), Some(number)) => Some(ReceiptNumber {
            symbol,
            year,
            number: count_u32(number, "a receipt number")?,
        }),
        _ => None,
    };
    let state: String = get(row, "state")?;
    Ok(Payment {
        id: PaymentId::from_uuid(get(row, "id")?),
        reference: get(row, "reference")?,
        checkout: CheckoutId::from_uuid(get(row, "checkout_id")?),
        payer: motcua_store::UserId::from_uuid(get(row, "payer_id")?),
        beneficiary: AgencyId::from_uuid(get(row, "beneficiary_id")?),
        provider: get(row, "provider")?,
        amount_vnd: count_u64(get(row, "amount_vnd")?, "a payment amount")?,
        items: get_json::<Vec<PaymentItem>>(row, "items")?,
        state: PaymentState::from_key(&state)
            .ok_or_else(|| StoreError::corrupt(format!("payment state `{state}`")))?,
        created_at: get(row, "created_at")?,
        closed_at: get(row, "closed_at")?,
        paid_at: get(row, "paid_at")?,
        provider_txn: get(row, "provider_txn")?,
        failure: get(row, "failure")?,
        receipt,
    })
}

pub(crate) async fn create(pool: &PgPool, new: NewPayment) -> StoreResult<Payment> {
    let p = clean::payment(new)?;
    let mut tx = pool.begin().await.map_err(db_err)?;
    let inserted = sqlx::query(
        "INSERT INTO payments (id, reference, checkout_id, payer_id, beneficiary_id, provider,
            amount_vnd, items, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)
         ON CONFLICT (reference) DO NOTHING",
    )
    .bind(p.id.uuid())
    .bind(&p.reference)
    .bind(p.checkout.uuid())
    .bind(p.payer.uuid())
    .bind(p.beneficiary.uuid())
    .bind(&p.provider)
    .bind(to_i64(p.amount_vnd)?)
    .bind(Json(&p.items))
    .bind(micros(p.created_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if inserted.rows_affected() == 0 {
        return Err(StoreError::conflict(format!("payment {}", p.reference)));
    }
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
    // The dossiers are locked (in id order) before any row referring to
    // them is written: a foreign key's share lock taken first would have
    // to be upgraded, and two checkouts of one dossier would deadlock.
    on_each_dossier(&mut tx, &payment, payment.created_at, |dossier| {
        Action::FeePaymentStarted {
            payment: payment.reference.clone(),
            amount_vnd: payment.amount_for(dossier),
        }
    })
    .await?;
    for dossier in payment.dossiers() {
        sqlx::query("INSERT INTO payment_dossiers (dossier_id, payment_id) VALUES ($1, $2)")
            .bind(dossier.uuid())
            .bind(payment.id.uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    tx.commit().await.map_err(db_err)?;
    Ok(payment)
}

/// Appends the money event `action` makes for each dossier `payment`
/// covers, in the caller's transaction. The dossiers are locked in id
/// order, so two transactions over the same dossiers take their locks in
/// the same order and never deadlock.
async fn on_each_dossier(
    conn: &mut PgConnection,
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

async fn select_one(
    conn: &mut PgConnection,
    filter: &str,
    bind: impl FnOnce(
        sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
) -> StoreResult<Option<Payment>> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE {filter}");
    bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub(crate) async fn get_by_reference(
    pool: &PgPool,
    reference: &str,
) -> StoreResult<Option<Payment>> {
    let mut conn = pool.acquire().await.map_err(db_err)?;
    select_one(&mut conn, "reference = $1", |q| {
        q.bind(reference.to_owned())
    })
    .await
}

pub(crate) async fn of_dossier(pool: &PgPool, dossier: DossierId) -> StoreResult<Vec<Payment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments WHERE id IN
            (SELECT payment_id FROM payment_dossiers WHERE dossier_id = $1)
         ORDER BY id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(dossier.uuid())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn of_checkout(pool: &PgPool, checkout: CheckoutId) -> StoreResult<Vec<Payment>> {
    let sql = format!("SELECT {COLUMNS} FROM payments WHERE checkout_id = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(checkout.uuid())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn settle(pool: &PgPool, s: Settlement) -> StoreResult<Settled> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let reference = s.reference.clone();
    let payment = select_one(&mut tx, "reference = $1 FOR UPDATE", |q| q.bind(reference))
        .await?
        .ok_or_else(|| StoreError::not_found(format!("payment {}", s.reference)))?;
    if payment.state == PaymentState::Settled {
        return Ok(Settled::Already(payment));
    }
    let account = account_of(&mut tx, payment.beneficiary)
        .await?
        .ok_or_else(|| StoreError::invalid("the collecting agency has no fee account"))?;
    let year = calendar::to_local(s.at).year();
    let number: i32 = sqlx::query_scalar(
        "INSERT INTO receipt_series (agency_id, year, last) VALUES ($1, $2, 1)
         ON CONFLICT (agency_id, year) DO UPDATE SET last = receipt_series.last + 1
         RETURNING last",
    )
    .bind(payment.beneficiary.uuid())
    .bind(year)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    let receipt = ReceiptNumber {
        symbol: account.receipt_symbol,
        year,
        number: count_u32(number, "a receipt number")?,
    };
    let at = micros(s.at);
    let paid_at = micros(s.paid_at);
    let provider_txn = clean::optional_text(Some(&s.provider_txn))?;
    sqlx::query(
        "UPDATE payments SET state = 'settled', closed_at = $2, paid_at = $3, provider_txn = $4,
            failure = NULL, receipt_symbol = $5, receipt_year = $6, receipt_number = $7
         WHERE id = $1",
    )
    .bind(payment.id.uuid())
    .bind(at)
    .bind(paid_at)
    .bind(&provider_txn)
    .bind(&receipt.symbol)
    .bind(receipt.year)
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
    pool: &PgPool,
    reference: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> StoreResult<bool> {
    let reason = clean::optional_text(Some(reason))?
        .ok_or_else(|| StoreError::invalid("a failed payment needs a reason"))?;
    let at = micros(at);
    let mut tx = pool.begin().await.map_err(db_err)?;
    // Only the attempt still pending fails, once: the row lock makes a
    // second caller (or a settlement) wait and then see it closed.
    let failed = sqlx::query(
        "UPDATE payments SET state = 'failed', closed_at = $2, failure = $3
         WHERE reference = $1 AND state = 'pending'",
    )
    .bind(reference)
    .bind(at)
    .bind(&reason)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    if failed.rows_affected() != 1 {
        return Ok(false);
    }
    let payment = select_one(&mut tx, "reference = $1", |q| q.bind(reference))
        .await?
        .ok_or_else(|| StoreError::not_found(format!("payment {reference}")))?;
    on_each_dossier(&mut tx, &payment, at, |_| Action::FeePaymentFailed {
        payment: payment.reference.clone(),
        reason: reason.clone(),
    })
    .await?;
    tx.commit().await.map_err(db_err)?;
    Ok(true)
}

pub(crate) async fn refund(pool: &PgPool, new: NewRefund) -> StoreResult<Refund> {
    let reason = clean::optional_text(Some(&new.reason))?
        .ok_or_else(|| StoreError::invalid("a refund needs a reason"))?;
    let provider_ref = clean::optional_text(new.provider_ref.as_deref())?;
    let at = micros(new.at);
    if new.amount_vnd == 0 {
        return Err(StoreError::invalid("a refund gives back more than 0"));
    }
    let mut tx = pool.begin().await.map_err(db_err)?;
    let id = new.payment.uuid();
    let payment = select_one(&mut tx, "id = $1 FOR UPDATE", |q| q.bind(id))
        .await?
        .ok_or_else(|| StoreError::not_found(format!("payment {}", new.payment)))?;
    let refunded: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(amount_vnd), 0)::bigint FROM refunds
         WHERE payment_id = $1 AND dossier_id = $2",
    )
    .bind(new.payment.uuid())
    .bind(new.dossier.uuid())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    refund_allowed(&payment, count_u64(refunded, "refunded")?, &new)?;
    // The dossier is locked before the refund row refers to it (see
    // `create`).
    let current = dossiers::load_current(&mut tx, new.dossier).await?;
    let action = Action::FeeRefunded {
        payment: payment.reference.clone(),
        amount_vnd: new.amount_vnd,
        reason: reason.clone(),
    };
    let prepared = prepare_money(&current, action, at)?;
    dossiers::write_appended(&mut tx, current, prepared, &[]).await?;
    sqlx::query(
        "INSERT INTO refunds (id, payment_id, dossier_id, amount_vnd, reason, provider_ref, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new.id.uuid())
    .bind(new.payment.uuid())
    .bind(new.dossier.uuid())
    .bind(to_i64(new.amount_vnd)?)
    .bind(&reason)
    .bind(&provider_ref)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
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

fn refund_from_row(r: &PgRow) -> StoreResult<Refund> {
    Ok(Refund {
        id: motcua_store::RefundId::from_uuid(get(r, "id")?),
        payment: PaymentId::from_uuid(get(r, "payment_id")?),
        dossier: DossierId::from_uuid(get(r, "dossier_id")?),
        amount_vnd: count_u64(get(r, "amount_vnd")?, "a refund")?,
        reason: get(r, "reason")?,
        provider_ref: get(r, "provider_ref")?,
        at: get(r, "at")?,
    })
}

const REFUND_COLUMNS: &str = "id, payment_id, dossier_id, amount_vnd, reason, provider_ref, at";

pub(crate) async fn refunds_of(pool: &PgPool, payment: PaymentId) -> StoreResult<Vec<Refund>> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE payment_id = $1 ORDER BY at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(payment.uuid())
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(refund_from_row).collect()
}

pub(crate) async fn refunds_between(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Refund>> {
    let sql =
        format!("SELECT {REFUND_COLUMNS} FROM refunds WHERE at >= $1 AND at < $2 ORDER BY at, id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(refund_from_row).collect()
}

pub(crate) async fn between(
    pool: &PgPool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<Payment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM payments
         WHERE (created_at >= $1 AND created_at < $2) OR (closed_at >= $1 AND closed_at < $2)
         ORDER BY created_at, id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(micros(from))
        .bind(micros(to))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}
