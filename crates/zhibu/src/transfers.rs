//! `zhibu transfers`: an org's incoming or sent transfers of membership (组织关系转接), as a
//! table or JSON lines, read through the services with the console's scope.

use anyhow::{Result, bail};
use domain::dates::format_cn;
use domain::family::lifecycle::TransferState;
use services::transfers::Direction;
use services::{Services, console_actor};

pub async fn list(
    services: &Services,
    org: i64,
    direction: &str,
    state: Option<&str>,
    format: &str,
) -> Result<std::process::ExitCode> {
    let direction = match direction {
        "incoming" => Direction::Incoming,
        "sent" => Direction::Sent,
        other => bail!("--direction must be incoming or sent, not {other:?}"),
    };
    let state = match state {
        None => None,
        Some(s) => match TransferState::ALL.iter().copied().find(|x| x.as_str() == s) {
            Some(x) => Some(x),
            None => bail!("--state must be pending, received, returned or cancelled, not {s:?}"),
        },
    };
    let list = services.transfers_of_org(&console_actor(), org, direction, state).await?;
    match format {
        "json" => {
            for t in &list {
                println!("{}", serde_json::to_string(t)?);
            }
        }
        "table" => {
            println!("编号\t姓名\t类别\t由\t转到\t介绍信\t开具日期\t有效期至\t状态");
            for t in &list {
                let r = &t.row;
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.member_name,
                    r.kind.label(),
                    r.from_name,
                    r.to_name,
                    r.letter_no,
                    format_cn(r.issued_on),
                    format_cn(t.valid_until),
                    r.state.label(r.kind)
                );
            }
            println!("共 {} 项", list.len());
        }
        other => bail!("--format must be table or json, not {other:?}"),
    }
    Ok(std::process::ExitCode::SUCCESS)
}
