//! Attachments of meeting records, and the file store recruitment's documents share (photos of the sign-in sheet, the slides of a 党课, scanned
//! minutes): limited in type and size, checked by their bytes rather than their names, and
//! kept under the data directory by their SHA-256 so a file is stored once however often it is
//! attached.

use crate::{Entry, Result, ServiceError, Services};
use domain::scope::{Action, Actor, Target, can};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use storage::meeting::{self, AttachmentRow};

/// The largest attachment accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Attachments per meeting record.
pub const MAX_ATTACHMENTS: usize = 20;

/// The kinds of file accepted, by extension, with the content type they are served as.
const KINDS: [(&str, &str); 9] = [
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("doc", "application/msword"),
    ("xls", "application/vnd.ms-excel"),
];

/// The accepted extensions, for messages and the file input's `accept`.
pub fn accepted() -> String {
    KINDS.iter().map(|(e, _)| format!(".{e}")).collect::<Vec<_>>().join(",")
}

/// The content type of an accepted file, or why it is refused. The bytes must agree with the
/// extension: a renamed executable is not a PDF.
pub fn classify(file_name: &str, bytes: &[u8]) -> std::result::Result<&'static str, String> {
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(format!("文件超过 {} MB，请压缩后再上传", MAX_ATTACHMENT_BYTES / 1024 / 1024));
    }
    let ext = Path::new(file_name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let Some((ext, content_type)) = ext.and_then(|x| KINDS.iter().find(|(e, _)| *e == x).copied()) else {
        return Err("只能上传 PDF、图片（JPG、PNG）或 Office 文档（Word、Excel、PowerPoint）".into());
    };
    let magic_ok = match ext {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "docx" | "xlsx" | "pptx" => bytes.starts_with(b"PK\x03\x04"),
        "doc" | "xls" => bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
        _ => false,
    };
    if !magic_ok {
        return Err(format!("文件内容与扩展名 .{ext} 不符，请上传原始文件"));
    }
    Ok(content_type)
}

/// A file name safe to keep and to send back: no directories, no control characters, at most
/// 100 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return "附件".into();
    }
    let count = cleaned.chars().count();
    if count <= 100 {
        return cleaned.to_string();
    }
    // Keep the extension.
    let ext = Path::new(cleaned).extension().and_then(|e| e.to_str()).unwrap_or("");
    let head: String = cleaned.chars().take(90).collect();
    format!("{head}….{ext}")
}

/// A file written under the data directory: its cleaned name, type and hash.
pub(crate) struct StoredFile {
    pub name: String,
    pub content_type: &'static str,
    pub sha256: String,
}

fn stored_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join(&sha[..2]).join(sha)
}

impl Services {
    fn files_dir(&self) -> Result<&Path> {
        self.files_dir.as_deref().ok_or_else(|| ServiceError::field("file", "服务器未配置附件存储目录，暂不能上传附件"))
    }

    /// Attaches a file to a meeting record. The file is written (once, by its hash) before the
    /// row and its audit entry are committed, so a failed upload leaves at most an unreferenced
    /// file, never a row without its file.
    pub async fn attach(&self, actor: &Actor, meeting_id: i64, file_name: &str, bytes: &[u8]) -> Result<i64> {
        let scope = actor.scope();
        let m = meeting::get(&self.db, &scope, meeting_id).await?.ok_or(ServiceError::NotFound)?;
        let org = storage::org::get(&self.db, &scope, m.org_id).await?.ok_or(ServiceError::NotFound)?;
        if !can(actor, Action::EditOrg, Target::Org(&org.org_path()?)) {
            return Err(ServiceError::Forbidden);
        }
        classify(file_name, bytes).map_err(|msg| ServiceError::field("file", msg))?;
        if meeting::attachments(&self.db, &actor.scope(), &[m.id]).await?.len() >= MAX_ATTACHMENTS {
            return Err(ServiceError::field("file", format!("每条记录最多 {MAX_ATTACHMENTS} 个附件")));
        }
        let stored = self.store_file(file_name, bytes).await?;
        let (name, content_type, sha) = (stored.name, stored.content_type, stored.sha256);
        let mut tx = self.db.begin().await?;
        let id =
            meeting::add_attachment(&mut tx, m.id, &name, content_type, bytes.len() as i64, &sha, actor.account_id)
                .await?;
        self.audit(
            &mut tx,
            actor,
            Entry {
                action: "meeting.attach",
                entity: "meeting",
                entity_id: Some(m.id),
                org_path: Some(org.path.clone()),
                before: None,
                after: Some(serde_json::json!({ "file_name": name, "size": bytes.len(), "sha256": sha })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a file and writes it (once, by its hash) under the data directory. The caller
    /// commits its row afterwards, so a failed upload leaves at most an unreferenced file, never a
    /// row without its file.
    pub(crate) async fn store_file(&self, file_name: &str, bytes: &[u8]) -> Result<StoredFile> {
        let content_type = classify(file_name, bytes).map_err(|msg| ServiceError::field("file", msg))?;
        let name = clean_name(file_name);
        let sha = hex::encode(Sha256::digest(bytes));
        let dir = self.files_dir()?.to_path_buf();
        let path = stored_path(&dir, &sha);
        let data = bytes.to_vec();
        let write = {
            let path = path.clone();
            move || -> std::io::Result<()> {
                if path.exists() {
                    return Ok(());
                }
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let tmp = path.with_extension("part");
                std::fs::write(&tmp, &data)?;
                std::fs::rename(&tmp, &path)
            }
        };
        tokio::task::spawn_blocking(write)
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(|e| ServiceError::Internal(format!("附件写入失败：{e}")))?;
        Ok(StoredFile { name, content_type, sha256: sha })
    }

    /// The bytes of a stored file.
    pub(crate) async fn stored_bytes(&self, sha256: &str, file_name: &str) -> Result<Vec<u8>> {
        let path = stored_path(self.files_dir()?, sha256);
        tokio::fs::read(&path).await.map_err(|e| ServiceError::Internal(format!("附件文件缺失（{file_name}）：{e}")))
    }

    /// An attachment and its bytes, if the actor may see the meeting.
    pub async fn attachment(
        &self,
        actor: &Actor,
        meeting_id: i64,
        attachment_id: i64,
    ) -> Result<(AttachmentRow, Vec<u8>)> {
        let m = meeting::get(&self.db, &actor.scope(), meeting_id).await?.ok_or(ServiceError::NotFound)?;
        let row = meeting::attachments(&self.db, &actor.scope(), &[m.id])
            .await?
            .into_iter()
            .find(|a| a.id == attachment_id)
            .ok_or(ServiceError::NotFound)?;
        let bytes = self.stored_bytes(&row.sha256, &row.file_name).await?;
        Ok((row, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_known_by_their_bytes() {
        assert_eq!(classify("签到表.pdf", b"%PDF-1.7 ..."), Ok("application/pdf"));
        assert_eq!(classify("照片.JPG", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok("image/jpeg"));
        assert!(classify("照片.png", b"%PDF-1.7").unwrap_err().contains("不符"));
        assert!(classify("病毒.exe", b"MZ").unwrap_err().contains("只能上传"));
        assert!(classify("空.pdf", b"").unwrap_err().contains("空"));
        let big = vec![b'%'; MAX_ATTACHMENT_BYTES + 1];
        assert!(classify("大.pdf", &big).unwrap_err().contains("MB"));
    }

    #[test]
    fn names_lose_their_directories() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\docs\\记录.pdf"), "记录.pdf");
        assert_eq!(clean_name(""), "附件");
        let long = format!("{}.pdf", "长".repeat(200));
        let cleaned = clean_name(&long);
        assert!(cleaned.chars().count() <= 100 && cleaned.ends_with(".pdf"), "{cleaned}");
    }
}
