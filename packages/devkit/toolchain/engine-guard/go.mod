module dotmac.local/toolchain/engine-guard

go 1.26.6
