module clickref.example/clickref

go 1.19
