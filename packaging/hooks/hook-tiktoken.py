"""tiktoken finds its encodings through the `tiktoken_ext` namespace plugin; its Rust extension is
found by import analysis. keyboard-app builds the GPT-2 encoding from bundled files, so nothing is
downloaded or cached at run time."""

hiddenimports = ["tiktoken_ext", "tiktoken_ext.openai_public", "tiktoken._tiktoken"]
