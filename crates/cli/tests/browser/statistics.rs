//! The public statistics in the browser: reached from the menu, a chart
//! with its table, the drill-down to an agency, and the review an official
//! draws; axe judges each.

use crate::page::{Outcome, Page, ensure};

pub async fn run(page: &Page) -> Outcome {
    page.step("opening the statistics from the menu");
    page.follow(".site-nav a[href='/thong-ke']").await?;
    let heading = page.text("h1").await?;
    ensure!(
        heading.contains("Tình hình, kết quả giải quyết thủ tục hành chính"),
        "the statistics page's heading is {heading:?}"
    );
    ensure!(
        !page.find_all("svg.chart[role='img']").await?.is_empty(),
        "no chart described by the table"
    );
    let table = page.text("#bang-so-lieu").await?;
    ensure!(table.contains("Tổng cộng"), "the table reads {table:?}");
    page.axe("statistics").await?;

    page.step("choosing another period");
    page.find("#ky").await?.select_by_index(1).await?;
    page.press("Xem số liệu").await?;
    let path = page.path().await?;
    ensure!(
        path.starts_with("/thong-ke?ky="),
        "the period went to {path}"
    );

    page.step("drilling down to an agency");
    page.goto("/thong-ke").await?;
    let agencies = page.find_all("#bang-so-lieu tbody th a").await?;
    ensure!(!agencies.is_empty(), "no agency to drill into: {table:?}");
    page.follow("#bang-so-lieu tbody th a").await?;
    let crumbs = page.text(".breadcrumbs").await?;
    ensure!(crumbs.contains("Toàn tỉnh ›"), "the levels read {crumbs:?}");
    page.axe("statistics of an agency").await?;

    page.step("drawing the review as an official");
    crate::journey::official_signs_in(page, "quantri@demo.motcua.vn").await?;
    page.goto("/thong-ke").await?;
    page.follow("a[href^='/can-bo/bao-cao-thong-ke']").await?;
    let title = page.text("h1").await?;
    ensure!(
        title
            .to_lowercase()
            .contains("tình hình, kết quả giải quyết"),
        "the review's title is {title:?}"
    );
    page.axe("statistics review").await
}
