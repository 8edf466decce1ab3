"""Getting real GPT-2: catalog, download, convert (Hugging Face to GGUF), quantize, store. No Qt."""
