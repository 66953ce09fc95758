module dotmac.local/toolchain/pause

go 1.26.6
