//! The order of names: by pinyin, as a Chinese reader looks a name up in a list (李 before 王
//! before 张), not by code point (which follows no order a reader knows).
//!
//! [`name_key`] maps a name to a key whose byte order is that order: each Chinese character
//! becomes its syllable with the tone number at the end ("wang2"; a neutral tone is 5), taken
//! from the `pinyin` crate's data; a Latin letter is lower-cased; anything else is kept. The key
//! of a name is the keys of its characters one after another, so the key of a name begins with
//! the key of any of its prefixes: a prefix search walks a range of keys (and checks the name
//! itself, since two characters may read alike). The tone digit ends each syllable, so 西安
//! (xi1an1) sorts before 先 (xian1), syllable by syllable.
//!
//! A character with several readings takes the first the data gives (单 as dan); names that read
//! alike keep the order they were registered in (the list breaks ties by id).

use pinyin::ToPinyin;

/// The sort key of a name (see the module documentation).
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len() * 2);
    for (c, reading) in name.chars().zip(name.to_pinyin()) {
        match reading {
            Some(p) => {
                let syllable = p.with_tone_num_end();
                key.push_str(syllable);
                if !syllable.ends_with(|d: char| d.is_ascii_digit()) {
                    key.push('5');
                }
            }
            None => key.extend(c.to_lowercase()),
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_sort_by_pinyin() {
        let mut names = vec!["张伟", "王芳", "李娜", "赵敏", "钱进", "孙丽", "安琪", "欧阳明"];
        names.sort_by_key(|n| name_key(n));
        assert_eq!(names, ["安琪", "李娜", "欧阳明", "钱进", "孙丽", "王芳", "张伟", "赵敏"]);
        assert_eq!(name_key("王伟"), "wang2wei3");
        // Syllable by syllable: 西安 before 先, 李 (li3) before 林 (lin2).
        assert!(name_key("西安") < name_key("先"));
        assert!(name_key("李明") < name_key("林明"));
    }

    #[test]
    fn other_characters_are_kept_and_latin_letters_folded() {
        assert_eq!(name_key("Alice"), "alice");
        assert_eq!(name_key("阿依古丽·买买提"), format!("{}·{}", name_key("阿依古丽"), name_key("买买提")));
    }

    proptest! {
        /// Whatever the text, the key of a name begins with the key of each of its prefixes:
        /// a prefix search may walk a range of keys.
        #[test]
        fn a_prefix_has_a_prefix_key(name in "\\PC{0,12}", cut in 0usize..12) {
            let prefix: String = name.chars().take(cut).collect();
            prop_assert!(name_key(&name).starts_with(&name_key(&prefix)));
        }
    }
}
