x == [renge
= [1,ren= [renge
= [1,reng == [rn=  [1,reeng == [renge
= [0,ren= [rengerenge
= [1,ren= [reegn
=case [1,renge
== [renge
= [1,ren=len(nge
= [1,rengee
== [renge
= [1,ren=[reegn
=case [1,reeng == [renge
= [0,ren= [rengerenge
= [1,ren= [reegn
=case [1,renge
== [renge
= [1,ren=len(nge
= [1,rengee
== [renge
= [1,ren=len(nge
= [1,renge
=]ge
=]ge
=]