module gobehaviours

go 1.19
