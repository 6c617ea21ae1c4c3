import numpy as np, json
def valley(lrs, losses):
    n=len(losses); ms,me=0,0; lds=[1]*n
    for i in range(1,n):
        for j in range(0,i):
            if losses[i]<losses[j] and lds[i]<lds[j]+1: lds[i]=lds[j]+1
            if lds[me]<lds[i]: me=i; ms=me-lds[me]
    sec=(me-ms)/3; idx=ms+int(sec)+int(sec/2)
    return float(lrs[idx])
def slide(lrs, losses, lr_diff=15, thresh=.005, adjust_value=1.):
    g=np.gradient(losses); r=-1; l=r-lr_diff; lm=lrs[l]
    while l>=-len(losses) and abs(g[r]-g[l])>thresh:
        lm=lrs[l]; r-=1; l-=1
    return float(lm)*adjust_value
def minimum(lrs, losses): return float(lrs[np.argmin(losses)])/10
def steep(lrs, losses):
    gr=(losses[1:]-losses[:-1])/(np.log(lrs[1:])-np.log(lrs[:-1])); return float(lrs[np.argmin(gr)])
curves={}
def mk(name,n,f):
    i=np.arange(n); lrs=1e-7*(1e8)**(i/(n-1)); loss=np.round(np.array([f(k,n) for k in i]),6)
    lrs=np.array([float('%.6e'%x) for x in lrs])
    curves[name]=(lrs,loss)
mk('u-shape 100',100,lambda k,n: 4.0 if k<40 else (4.0-0.05*(k-40)+0.01*np.sin(k) if k<85 else 1.75+0.3*(k-85)))
mk('noisy descent 60',60,lambda k,n: 3.0-2.0/(1+np.exp(-(k-35)/4))+0.02*np.cos(3*k))
mk('late drop 20',20,lambda k,n: 5.0 if k<12 else 5.0-0.4*(k-11))
mk('plateau then divergence 30',30,lambda k,n: 2.5+0.001*k if k<22 else 2.5+0.2*(k-21)**2)
out=[]
for name,(lrs,loss) in curves.items():
    out.append(dict(name=name, lrs=lrs.tolist(), losses=loss.tolist(), valley=valley(lrs,loss), steep=steep(lrs,loss), minimum=minimum(lrs,loss), slide=slide(lrs,loss)))
# fastai trimming [num_it//10:-5] for the 20-point case vs all
lrs,loss=curves['late drop 20']
out.append(dict(note='fastai trim 20', valley_fastai_trim=valley(lrs[2:-5],loss[2:-5])))
print(json.dumps(out))
